// Dates, GMC numbers and enum spellings of the revalidation records.
//
// Input here comes from TIS/GMC extracts and admins, so it is untrusted: parse functions
// accept only the exact forms documented in model.hpp and return nullopt for anything else.
#include "revalidation/model.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <utility>

namespace casegate::revalidation {
namespace {

bool parse_digits(std::string_view text, int& out) {
    if (text.empty() ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return false;
    }
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && ptr == text.data() + text.size();
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
               return lower(x) == lower(y);
           });
}

// One table per enum keeps to_string and parse in step.
template <typename E, std::size_t N>
std::optional<E> lookup(const std::array<std::pair<E, std::string_view>, N>& table,
                        std::string_view s) {
    for (const auto& [value, name] : table) {
        if (iequals(name, s)) return value;
    }
    return std::nullopt;
}

template <typename E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E v) {
    for (const auto& [value, name] : table) {
        if (value == v) return name;
    }
    return {};
}

constexpr std::array<std::pair<MembershipType, std::string_view>, 6> membership_types{{
    {MembershipType::substantive, "SUBSTANTIVE"},
    {MembershipType::lat, "LAT"},
    {MembershipType::ftsta, "FTSTA"},
    {MembershipType::military, "MILITARY"},
    {MembershipType::visitor, "VISITOR"},
    {MembershipType::academic, "ACADEMIC"},
}};
constexpr std::array<std::pair<PersonStatus, std::string_view>, 2> person_statuses{{
    {PersonStatus::active, "ACTIVE"},
    {PersonStatus::inactive, "INACTIVE"},
}};
constexpr std::array<std::pair<Licence, std::string_view>, 3> licences{{
    {Licence::licensed, "LICENSED"},
    {Licence::suspended, "SUSPENDED"},
    {Licence::removed, "REMOVED"},
}};
constexpr std::array<std::pair<ManualActionKind, std::string_view>, 4> manual_actions{{
    {ManualActionKind::hide, "hide"},
    {ManualActionKind::unhide, "unhide"},
    {ManualActionKind::flag, "flag"},
    {ManualActionKind::unflag, "unflag"},
}};
constexpr std::array<std::pair<GmcRequestKind, std::string_view>, 2> request_kinds{{
    {GmcRequestKind::add, "add"},
    {GmcRequestKind::remove, "remove"},
}};
constexpr std::array<std::pair<List, std::string_view>, 5> lists{{
    {List::connected, "connected"},
    {List::discrepancy, "discrepancy"},
    {List::review, "review"},
    {List::hidden, "hidden"},
    {List::historic, "historic"},
}};
constexpr std::array<std::pair<Reason, std::string_view>, 16> reasons{{
    {Reason::manually_hidden, "MANUALLY_HIDDEN"},
    {Reason::military, "MILITARY"},
    {Reason::f1, "F1"},
    {Reason::not_in_tis, "NOT_IN_TIS"},
    {Reason::duplicate_gmc_number, "DUPLICATE_GMC_NUMBER"},
    {Reason::no_gmc_number, "NO_GMC_NUMBER"},
    {Reason::licence_removed, "LICENCE_REMOVED"},
    {Reason::inactive_in_tis, "INACTIVE_IN_TIS"},
    {Reason::overlapping_programmes, "OVERLAPPING_PROGRAMMES"},
    {Reason::visitor, "VISITOR"},
    {Reason::not_connected, "NOT_CONNECTED"},
    {Reason::db_mismatch, "DB_MISMATCH"},
    {Reason::membership_ended, "MEMBERSHIP_ENDED"},
    {Reason::membership_not_started, "MEMBERSHIP_NOT_STARTED"},
    {Reason::no_membership, "NO_MEMBERSHIP"},
    {Reason::no_current_membership, "NO_CURRENT_MEMBERSHIP"},
}};
constexpr std::array<std::pair<OfficeAction, std::string_view>, 7> office_actions{{
    {OfficeAction::none, ""},
    {OfficeAction::add, "add"},
    {OfficeAction::remove, "remove"},
    {OfficeAction::review, "review"},
    {OfficeAction::unhide, "unhide"},
    {OfficeAction::remove_or_hide, "remove/hide"},
    {OfficeAction::remove_or_review, "remove/review"},
}};
constexpr std::array<std::pair<GmcRequestState, std::string_view>, 2> request_states{{
    {GmcRequestState::failed, "failed"},
    {GmcRequestState::refused, "refused"},
}};

}  // namespace

std::optional<Date> Date::parse(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    int y = 0, m = 0, d = 0;
    if (!parse_digits(text.substr(0, 4), y) || !parse_digits(text.substr(5, 2), m) ||
        !parse_digits(text.substr(8, 2), d)) {
        return std::nullopt;
    }
    const std::chrono::year_month_day ymd{std::chrono::year{y},
                                          std::chrono::month{static_cast<unsigned>(m)},
                                          std::chrono::day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return std::nullopt;
    return Date(static_cast<std::int32_t>(std::chrono::sys_days{ymd}.time_since_epoch().count()));
}

std::string Date::to_string() const {
    const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days_}}};
    const int y = int(ymd.year());
    const unsigned m = unsigned(ymd.month());
    const unsigned d = unsigned(ymd.day());
    std::string out = "0000-00-00";
    out[0] = char('0' + (y / 1000) % 10);
    out[1] = char('0' + (y / 100) % 10);
    out[2] = char('0' + (y / 10) % 10);
    out[3] = char('0' + y % 10);
    out[5] = char('0' + m / 10);
    out[6] = char('0' + m % 10);
    out[8] = char('0' + d / 10);
    out[9] = char('0' + d % 10);
    return out;
}

std::optional<std::string_view> usable_gmc_number(std::string_view raw) {
    const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!raw.empty() && blank(raw.front())) raw.remove_prefix(1);
    while (!raw.empty() && blank(raw.back())) raw.remove_suffix(1);
    if (raw.size() != 7 || raw == "0000000") return std::nullopt;
    for (char c : raw) {
        if (c < '0' || c > '9') return std::nullopt;
    }
    return raw;
}

std::string_view to_string(MembershipType t) {
    return name_of(membership_types, t);
}
std::string_view to_string(PersonStatus s) {
    return name_of(person_statuses, s);
}
std::string_view to_string(Licence l) {
    return name_of(licences, l);
}
std::string_view to_string(ManualActionKind k) {
    return name_of(manual_actions, k);
}
std::string_view to_string(GmcRequestKind k) {
    return name_of(request_kinds, k);
}
std::string_view to_string(List l) {
    return name_of(lists, l);
}
std::string_view to_string(Reason r) {
    return name_of(reasons, r);
}
std::string_view to_string(OfficeAction a) {
    return name_of(office_actions, a);
}
std::string_view to_string(GmcRequestState s) {
    return name_of(request_states, s);
}

std::optional<MembershipType> parse_membership_type(std::string_view s) {
    return lookup(membership_types, s);
}
std::optional<PersonStatus> parse_person_status(std::string_view s) {
    return lookup(person_statuses, s);
}
std::optional<Licence> parse_licence(std::string_view s) {
    return lookup(licences, s);
}
std::optional<ManualActionKind> parse_manual_action(std::string_view s) {
    return lookup(manual_actions, s);
}
std::optional<GmcRequestKind> parse_gmc_request_kind(std::string_view s) {
    return lookup(request_kinds, s);
}

}  // namespace casegate::revalidation
