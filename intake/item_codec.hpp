// The parse worker's reply on its pipe: a length-prefixed JSON document describing the
// ParsedItem, then each attachment's bytes, length-prefixed. Both ends are this binary.
#pragma once

#include <string>

#include "intake/parse_worker.hpp"
#include "storage/cases.hpp"

namespace casegate::intake {

std::string encode_item(const ParsedItem& item);

/// Decodes a reply; returns false (and leaves a reason in item.reason) if it is malformed.
bool decode_item(const std::string& bytes, ParsedItem& item);

}  // namespace casegate::intake

namespace casegate::intake {
/// The case a complete referral opens in `office`, its columns from the fields (the employer's
/// code and name left to the caller).
storage::CaseRow case_row(const forms::Referral& r, const std::string& office);
/// The referral's valid fields as a JSON object, keyed as in the form.
std::string fields_json(const forms::Referral& r);
/// The missing keys as a JSON array.
std::string missing_json(const forms::Referral& r);
/// The errors as a JSON array of {field, message}.
std::string errors_json(const forms::Referral& r);
/// A list of strings as a JSON array.
std::string strings_json(const std::vector<std::string>& v);
/// A submission as stored (its fields, missing and errors JSON) back as a referral. Throws
/// nlohmann::json::exception on JSON that is not in that shape.
forms::Referral referral_from_json(const std::string& fields, const std::string& missing,
                                   const std::string& errors);
/// A JSON array of strings, as strings_json writes it.
std::vector<std::string> strings_from_json(const std::string& array);
}  // namespace casegate::intake
