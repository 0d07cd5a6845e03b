// The JSON edges of the form: reading a web-form submission and writing the `casegate parse`
// line (DESIGN.md).
//
// TRUST: the submission is untrusted bytes. Malformed JSON, JSON nested deeper than a form can
// be, or anything but an object is not_a_referral with a reason; a value of the wrong JSON type
// is an error on its field. Output strings are UTF-8 with bad sequences replaced.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "forms/evaluate.hpp"
#include "util/base64.hpp"

namespace casegate::forms {
namespace {

using nlohmann::json;

// A form is an object of scalars and string arrays (depth 2); the DOM parser is not told about
// depth, so bounding it here keeps hostile nesting away from it.
constexpr int kMaxJsonDepth = 8;

bool nesting_within(std::string_view text, int max_depth) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > max_depth) return false;
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return true;
}

// The raw text of one JSON value for `field`, or the reason its JSON type does not fit.
struct RawValue {
    std::optional<std::string> text;  ///< nullopt: not given (null)
    std::string error;
};

RawValue raw_value(const FieldDef& field, const json& v) {
    if (v.is_null()) return {};
    if (v.is_string()) return {v.get<std::string>(), {}};
    if (v.is_number_integer() && field.type != FieldType::yes_no) return {v.dump(), {}};
    if (v.is_boolean() && field.type == FieldType::yes_no) {
        return {std::string(v.get<bool>() ? "yes" : "no"), {}};
    }
    if (v.is_array() && field.type == FieldType::multi_choice &&
        std::all_of(v.begin(), v.end(), [](const json& item) { return item.is_string(); })) {
        std::string joined;
        for (const json& item : v) joined += item.get<std::string>() + "\n";
        return {joined, {}};
    }
    switch (field.type) {
        case FieldType::yes_no:
            return {std::nullopt, "must be true or false"};
        case FieldType::multi_choice:
            return {std::nullopt, "must be a list of option labels"};
        default:
            return {std::nullopt, "must be text"};
    }
}

std::size_t form_index(std::string_view key) {
    const auto& form = referral_form();
    const auto it =
        std::find_if(form.begin(), form.end(), [&](const FieldDef& f) { return f.key == key; });
    return static_cast<std::size_t>(it - form.begin());
}

// Wrong-typed values were given, so they are errors, not missing, and never a default.
void add_type_errors(Referral& r, const std::vector<FieldError>& type_errors) {
    for (const FieldError& te : type_errors) {
        std::erase(r.missing, te.field);
        r.fields.erase(te.field);
        r.errors.push_back(te);
    }
    std::stable_sort(r.errors.begin(), r.errors.end(),
                     [](const FieldError& a, const FieldError& b) {
                         return form_index(a.field) < form_index(b.field);
                     });
}

nlohmann::ordered_json field_json(const Value& v) {
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    if (const auto* b = std::get_if<bool>(&v)) return *b;
    return std::get<std::vector<std::string>>(v);
}

}  // namespace

namespace {

// A submission as the form service keeps it and the daemon stores it:
//   {"receipt": …, "received_at": …, "fields": {…}, "documents": [{"filename", "content_type",
//    "content_base64"}, …]}
// The documents are decoded into `documents`; "" when they are well formed, else the reason.
std::string read_documents(const json& list, std::vector<parsers::Attachment>& documents) {
    if (!list.is_array()) return "documents is not a list";
    for (std::size_t i = 0; i < list.size(); ++i) {
        const json& d = list[i];
        const std::string which = "document " + std::to_string(i + 1);
        if (!d.is_object()) return which + " is not an object";
        const auto text = [&](const char* key) -> std::optional<std::string> {
            const auto it = d.find(key);
            if (it == d.end() || !it->is_string()) return std::nullopt;
            return it->get<std::string>();
        };
        const auto filename = text("filename");
        const auto content_type = text("content_type");
        const auto content = text("content_base64");
        if (!filename || !content_type || !content)
            return which + ": filename, content_type and content_base64 must be text";
        std::optional<std::string> bytes = util::base64_decode(*content);
        if (!bytes) return which + ": content_base64 is not base64";
        documents.push_back({*filename, *content_type, std::move(*bytes)});
    }
    return {};
}

}  // namespace

Evaluation evaluate_json(std::string_view text, const ValidateContext& ctx,
                         std::vector<parsers::Attachment>* documents) {
    Evaluation e;
    if (!nesting_within(text, kMaxJsonDepth)) {
        e.reason = "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
        return e;
    }
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& err) {
        e.reason = "malformed JSON at byte " + std::to_string(err.byte);
        return e;
    } catch (const json::out_of_range&) {
        e.reason = "malformed JSON: a number is out of range";
        return e;
    }
    if (!doc.is_object()) {
        e.reason = "JSON submission is not an object";
        return e;
    }
    std::vector<parsers::Attachment> attached;
    if (const auto fields = doc.find("fields"); fields != doc.end() && fields->is_object()) {
        // The form service's shape: the fields and the supporting documents.
        if (const auto list = doc.find("documents"); list != doc.end()) {
            if (std::string bad = read_documents(*list, attached); !bad.empty()) {
                e.reason = "web submission: " + bad;
                return e;
            }
        }
        json inner = std::move(*fields);
        doc = std::move(inner);
    }
    RawFields raw;
    std::vector<FieldError> type_errors;
    for (const FieldDef& field : referral_form()) {
        const auto it = doc.find(std::string(field.key));
        if (it == doc.end()) continue;
        RawValue v = raw_value(field, *it);
        if (!v.error.empty()) type_errors.push_back(FieldError{std::string(field.key), v.error});
        // A wrong-typed key still counts as a recognised field for is_referral_attempt.
        raw.emplace_back(std::string(field.key), v.text.value_or(""));
    }
    if (!is_referral_attempt(raw)) {
        e.reason = "no referral form fields found";
        return e;
    }
    e.channel = Channel::web;
    e.referral = validate(raw, ctx);
    add_type_errors(e.referral, type_errors);
    e.verdict = e.referral.complete() ? Verdict::complete : Verdict::incomplete;
    for (const parsers::Attachment& a : attached)
        e.attachments.push_back(AttachmentInfo{a.filename, a.content_type, a.data.size()});
    if (documents != nullptr) *documents = std::move(attached);
    return e;
}

std::string to_parse_json(std::string_view file, const Evaluation& e) {
    // ordered_json keeps the contract's key order and the form's field order.
    using out_json = nlohmann::ordered_json;
    out_json fields = out_json::object();
    for (const FieldDef& f : referral_form()) {
        const auto it = e.referral.fields.find(std::string(f.key));
        if (it != e.referral.fields.end()) fields[std::string(f.key)] = field_json(it->second);
    }
    out_json errors = out_json::array();
    for (const FieldError& err : e.referral.errors) {
        errors.push_back(out_json{{"field", err.field}, {"message", err.message}});
    }
    out_json attachments = out_json::array();
    for (const AttachmentInfo& a : e.attachments) {
        attachments.push_back(
            out_json{{"filename", a.filename}, {"content_type", a.content_type}, {"size", a.size}});
    }
    out_json line = out_json::object();
    line["file"] = std::string(file);
    line["verdict"] = std::string(to_string(e.verdict));
    line["channel"] = std::string(to_string(e.channel));
    line["fields"] = std::move(fields);
    line["missing"] = e.referral.missing;
    line["errors"] = std::move(errors);
    line["attachments"] = std::move(attachments);
    return line.dump(-1, ' ', false, out_json::error_handler_t::replace);
}

}  // namespace casegate::forms
