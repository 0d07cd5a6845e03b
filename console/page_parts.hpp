// Small pieces the console's pages share: reading values, writing URLs, and showing statuses,
// times and staff the same way on every page.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/config.hpp"

namespace casegate::console {

/// A JSON text read back (an empty object when it is not JSON).
nlohmann::json parsed(const std::string& text);

/// A case status as shown ("under_review" → "Under review") and its NHS.UK tag class.
std::string status_label(std::string_view status);
std::string status_tag(std::string_view status);

/// "2026-03-05T10:11:12+00" → "5 Mar 2026 10:11"; anything else as it is.
std::string when(const std::string& t);

/// "2026-03-05" → "5 Mar 2026"; anything else as it is.
std::string day_text(const std::string& ymd);

/// YYYY-MM-DD in shape (digits and dashes).
bool is_date(const std::string& s);

/// A member of staff's name from the configuration, else the address.
std::string staff_name(const common::Config& cfg, const std::string& email);

}  // namespace casegate::console
