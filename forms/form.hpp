// The referral form, version 1: the single definition every channel (email body, PDF form,
// web JSON) is mapped and validated against.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace casegate::forms {

inline constexpr int kFormVersion = 1;

enum class FieldType { text, long_text, gmc, email, choice, multi_choice, yes_no, date };

struct FieldDef {
    std::string_view key;
    std::string_view label;
    std::vector<std::string_view> aliases;
    FieldType type;
    bool required;
    std::vector<std::string_view> options;  ///< choice and multi_choice only
    std::string_view help;                  ///< one line shown on the PDF/HTML form
};

/// Every field, in form order.
const std::vector<FieldDef>& referral_form();
/// The field with this key, or nullptr.
const FieldDef* find_field(std::string_view key);

struct LocalOffice {
    std::string_view name;
    std::string_view designated_body;
};
/// The 14 local offices and their designated body codes.
const std::vector<LocalOffice>& local_offices();
const LocalOffice* find_office_by_name(std::string_view name);
const LocalOffice* find_office_by_designated_body(std::string_view code);

/// Declaration shown beside terms_accepted.
std::string_view declaration_text();

/// A normalised value: text/long_text/gmc/email/choice/date as string (date ISO, choice the
/// option's label), yes_no as bool, multi_choice as a list of option labels.
using Value = std::variant<std::string, bool, std::vector<std::string>>;

/// Raw (key, text) pairs as found in one channel, in the order found.
using RawFields = std::vector<std::pair<std::string, std::string>>;

struct FieldError {
    std::string field;    ///< key
    std::string message;  ///< says what is wrong and which limit, e.g. "must be 7 digits"
};

/// The result of mapping and validating one submission.
struct Referral {
    std::map<std::string, Value> fields;  ///< only valid, given fields
    std::vector<std::string> missing;     ///< required keys not given, in form order
    std::vector<FieldError> errors;       ///< given but invalid, in form order
    bool complete() const { return missing.empty() && errors.empty(); }
    /// Text of a string field, or "" when absent or not a string.
    std::string text(std::string_view key) const;
};

struct ValidateContext {
    std::string today;                   ///< YYYY-MM-DD; dates after it are errors
    std::string default_referrer_email;  ///< used when referrer_email is not given
};

/// The last value of `key` in `raw` that is not blank, or nullptr.
const std::string* last_given(const RawFields& raw, std::string_view key);

/// Normalises and validates raw fields against the definition. Unknown keys are ignored;
/// when a key appears twice the last non-empty value wins.
Referral validate(const RawFields& raw, const ValidateContext& ctx);

/// What answering an incomplete submission made of it (FORM.md "What a submission becomes").
struct Merged {
    Referral referral;
    std::vector<std::string> notes;  ///< one per field the answer added or changed
    bool changed = false;            ///< the answer added or changed at least one field
};

/// Merges an answer into the earlier, incomplete submission: a field the answer gives validly
/// replaces the earlier value (the later value wins), except referrer_email, which an email
/// answer fills from its sender and so only fills in when the earlier one had none. A field the
/// answer gives invalidly stays as it was when it was valid before, and is an error otherwise.
/// Missing is then every required field neither given nor in error.
Merged merge_answer(const Referral& earlier, const Referral& answer);

/// Finds `Label: value` lines (labels and aliases, case- and punctuation-insensitive) in an
/// email body; long_text fields run until the next recognised label or the end.
RawFields extract_body_fields(std::string_view body);

/// Normalises a label for matching: lower-case, punctuation dropped, spaces collapsed.
std::string normalise_label(std::string_view label);

/// The field whose label or alias matches `label` after normalise_label, or nullptr.
const FieldDef* find_field_by_label(std::string_view label);

}  // namespace casegate::forms
