#include "console/page_parts.hpp"

#include <algorithm>
#include <cstdlib>

#include "cases/service.hpp"

namespace casegate::console {

nlohmann::json parsed(const std::string& text) {
    nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    return j.is_discarded() ? nlohmann::json::object() : j;
}

std::string status_label(std::string_view status) {
    if (status == "submitted") return "Submitted";
    if (status == "accepted") return "Accepted";
    if (status == "returned") return "Returned";
    if (status == "under_review") return "Under review";
    if (status == "closed") return "Closed";
    if (status == "archived") return "Archived";
    if (status == "incomplete") return "Incomplete";
    return std::string(status);
}

std::string status_tag(std::string_view status) {
    if (status == "submitted") return "nhsuk-tag--blue";
    if (status == "accepted") return "nhsuk-tag--green";
    if (status == "returned") return "nhsuk-tag--orange";
    if (status == "under_review") return "nhsuk-tag--purple";
    if (status == "closed") return "nhsuk-tag--grey";
    if (status == "incomplete") return "nhsuk-tag--yellow";
    return "nhsuk-tag--white";
}

// "2026-03-05T10:11:12+00" → "5 Mar 2026 10:11"; anything else as it is.
std::string when(const std::string& t) {
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (t.size() < 16 || t[4] != '-' || t[7] != '-') return t;
    const int month = std::atoi(t.substr(5, 2).c_str());
    const int day = std::atoi(t.substr(8, 2).c_str());
    if (month < 1 || month > 12) return t;
    std::string out = std::to_string(day) + " " + kMonths[month - 1] + " " + t.substr(0, 4);
    if (t.size() >= 16 && t[10] == 'T') out += " " + t.substr(11, 5);
    return out;
}

std::string day_text(const std::string& ymd) {
    if (!is_date(ymd)) return ymd;
    const std::string t = when(ymd + "T00:00");
    return t.size() > 6 && t.ends_with(" 00:00") ? t.substr(0, t.size() - 6) : ymd;
}

bool is_date(const std::string& s) {
    return s.size() == 10 && s[4] == '-' && s[7] == '-' &&
           std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || c == '-'; });
}

std::string staff_name(const common::Config& cfg, const std::string& email) {
    const std::optional<cases::Staff> s = cases::find_staff(cfg, email);
    return s ? s->name : email;
}

}  // namespace casegate::console
