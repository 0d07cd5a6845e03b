// Completing an incomplete submission with the answer to our reply: field by field, the later
// value winning, each change noted. Validation is per field (validate.cpp), so merging
// validated fields gives what validating everything sent would give.
#include <algorithm>

#include "forms/form.hpp"

namespace casegate::forms {
namespace {

std::string shown(const Value& v) {
    if (const bool* b = std::get_if<bool>(&v)) return *b ? "yes" : "no";
    if (const auto* list = std::get_if<std::vector<std::string>>(&v)) {
        std::string out;
        for (const auto& item : *list) out += (out.empty() ? "" : ", ") + item;
        return out;
    }
    return std::get<std::string>(v);
}

const FieldError* error_for(const std::vector<FieldError>& errors, std::string_view key) {
    const auto it = std::find_if(errors.begin(), errors.end(),
                                 [&](const FieldError& e) { return e.field == key; });
    return it == errors.end() ? nullptr : &*it;
}

}  // namespace

Merged merge_answer(const Referral& earlier, const Referral& answer) {
    Merged m;
    for (const FieldDef& f : referral_form()) {
        const std::string key(f.key);
        const auto before = earlier.fields.find(key);
        const auto now = answer.fields.find(key);
        const bool had = before != earlier.fields.end();
        const bool gives = now != answer.fields.end() && !(key == "referrer_email" && had);
        if (gives) {
            m.referral.fields.emplace(key, now->second);
            if (!had) {
                m.notes.push_back(std::string(f.label) + ": added by the answer");
                m.changed = true;
            } else if (before->second != now->second) {
                m.notes.push_back(std::string(f.label) +
                                  ": changed by the answer (was: " + shown(before->second) + ")");
                m.changed = true;
            }
            continue;
        }
        if (had) {
            m.referral.fields.emplace(key, before->second);
            if (const FieldError* e = error_for(answer.errors, key)) {
                m.notes.push_back(std::string(f.label) + ": the answer's value was not used (" +
                                  e->message + ")");
            }
            continue;
        }
        if (const FieldError* e = error_for(answer.errors, key)) {
            m.referral.errors.push_back(*e);
            m.changed = m.changed || error_for(earlier.errors, key) == nullptr ||
                        error_for(earlier.errors, key)->message != e->message;
        } else if (const FieldError* old = error_for(earlier.errors, key)) {
            m.referral.errors.push_back(*old);
        } else if (f.required) {
            m.referral.missing.push_back(key);
        }
    }
    return m;
}

}  // namespace casegate::forms
