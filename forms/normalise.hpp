// Turning one raw field value into its normalised form, one function per field type. The
// messages are shown to referrers beside the field's label, so they say what is expected.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "forms/form.hpp"

namespace casegate::forms {

/// Longest accepted `text` value, in characters (long_text has no limit: the message size
/// limit applies upstream).
inline constexpr std::size_t kTextLimit = 1000;

/// Either a normalised value or the reason the raw text was refused.
struct Normalised {
    Value value;
    std::string error;  ///< empty when value is valid
    bool ok() const { return error.empty(); }
};

/// Trimmed, controls removed, line breaks become spaces; empty or over kTextLimit is an error.
Normalised normalise_text(std::string_view raw);
/// Like text but keeps line breaks, drops leading/trailing blank lines and has no limit.
Normalised normalise_long_text(std::string_view raw);
/// Exactly 7 digits once spaces are removed.
Normalised normalise_gmc(std::string_view raw);
/// A plausible addr-spec ("Name <a@b>" is accepted); the domain is lower-cased.
Normalised normalise_email(std::string_view raw);
/// One of field.options by case-insensitive exact label, else unambiguous prefix; for
/// local_office also a designated body code.
Normalised normalise_choice(std::string_view raw, const FieldDef& field);
/// Items separated by ',', ';', '/' or line breaks, each matched as a choice.
Normalised normalise_multi_choice(std::string_view raw, const FieldDef& field);
/// yes/y/true/x/✓/ticked/agreed/accept(ed)/i accept → true; no/n/false → false.
Normalised normalise_yes_no(std::string_view raw);
/// DD/MM/YYYY, D/M/YYYY, D Month YYYY or YYYY-MM-DD → YYYY-MM-DD; a real calendar date not
/// after `today` (YYYY-MM-DD; no check when empty).
Normalised normalise_date(std::string_view raw, std::string_view today);

/// Dispatches on field.type.
Normalised normalise_field(const FieldDef& field, std::string_view raw, std::string_view today);

}  // namespace casegate::forms
