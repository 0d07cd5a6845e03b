// Mapping raw (key, text) pairs onto the form: the last non-empty value of a key wins, each is
// normalised by its type, and the field rules that go beyond the type are applied.
//
// TRUST: keys and values are untrusted. Unknown keys are ignored (only specified fields can be
// entered, seed 001); bad values become FieldErrors, never exceptions.
#include "forms/form.hpp"
#include "forms/normalise.hpp"
#include "forms/strings.hpp"

namespace casegate::forms {
namespace {

// Rules of a particular field on top of its type.
std::string field_rule_error(const FieldDef& field, const Value& value) {
    if (field.key == "terms_accepted" && value == Value(false)) return "must be accepted";
    return {};
}

}  // namespace

const std::string* last_given(const RawFields& raw, std::string_view key) {
    const std::string* found = nullptr;
    for (const auto& [k, v] : raw) {
        if (k == key && !trim(v).empty()) found = &v;
    }
    return found;
}

std::string Referral::text(std::string_view key) const {
    const auto it = fields.find(std::string(key));
    if (it == fields.end()) return {};
    const auto* s = std::get_if<std::string>(&it->second);
    return s ? *s : std::string();
}

Referral validate(const RawFields& raw, const ValidateContext& ctx) {
    Referral r;
    for (const FieldDef& field : referral_form()) {
        const std::string* given = last_given(raw, field.key);
        if (!given && field.key == "referrer_email" && !ctx.default_referrer_email.empty()) {
            given = &ctx.default_referrer_email;
        }
        if (!given) {
            if (field.required) r.missing.emplace_back(field.key);
            continue;
        }
        Normalised n = normalise_field(field, *given, ctx.today);
        if (n.ok()) n.error = field_rule_error(field, n.value);
        if (n.ok()) {
            r.fields.emplace(std::string(field.key), std::move(n.value));
        } else {
            r.errors.push_back(FieldError{std::string(field.key), std::move(n.error)});
        }
    }
    return r;
}

}  // namespace casegate::forms
