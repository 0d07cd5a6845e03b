// The rule table, in REVALIDATION.md's order. Pure: it only reads DoctorFacts.
#include "revalidation/rules.hpp"

#include <algorithm>
#include <array>

namespace casegate::revalidation {
namespace {

using L = List;
using R = Reason;
using O = Offered;

const std::array<RuleRow, 18> table{{
    {1, L::hidden, R::manually_hidden, O::unhide},
    {2, L::hidden, R::military, O::none},
    {3, L::hidden, R::f1, O::none},
    {4, L::discrepancy, R::not_in_tis, O::remove_or_hide},
    {5, L::discrepancy, R::duplicate_gmc_number, O::review},
    {6, L::review, R::no_gmc_number, O::review},
    {7, L::discrepancy, R::licence_removed, O::remove},
    {8, L::discrepancy, R::inactive_in_tis, O::review},
    {9, L::discrepancy, R::overlapping_programmes, O::review},
    {10, L::review, R::visitor, O::review},
    {11, L::discrepancy, R::not_connected, O::add},
    {12, L::discrepancy, R::db_mismatch, O::add_for_tis_remove_for_gmc},
    {13, L::connected, std::nullopt, O::none},
    {14, L::discrepancy, R::membership_ended, O::remove},
    {15, L::discrepancy, R::membership_not_started, O::remove_or_review},
    {16, L::discrepancy, R::no_membership, O::remove},
    {17, L::historic, std::nullopt, O::none},
    {18, L::hidden, R::no_current_membership, O::none},
}};

bool connected_to_a_tis_db(const DoctorFacts& f) {
    return std::binary_search(f.tis_designated_bodies.begin(), f.tis_designated_bodies.end(),
                              f.gmc_designated_body);
}

int first_matching_rule(const DoctorFacts& f) {
    if (f.active_hide) return 1;
    if (f.current_military) return 2;
    if (f.f1) return 3;
    if (f.connected && f.tis_persons == 0) return 4;
    if (f.tis_persons >= 2) return 5;
    if (!f.has_gmc_number) return 6;
    if (f.connected && f.licence != Licence::licensed) return 7;
    if (f.connected && f.inactive) return 8;
    if (f.tis_designated_bodies.size() >= 2) return 9;
    if (f.current_visitor) return 10;
    if (f.any_current && !f.connected) return 11;
    // A current membership without a DB gives no TIS DB: the connection then matches none.
    if (f.any_current && !connected_to_a_tis_db(f)) return 12;
    if (f.any_current) return 13;
    if (f.connected && f.any_past) return 14;
    // Memberships that are neither current nor past have not started (or lack dates).
    if (f.connected && f.any_membership) return 15;
    if (f.connected) return 16;
    if (!f.history_designated_bodies.empty()) return 17;
    return 18;
}

}  // namespace

const RuleRow& rule_row(int rule) {
    return table.at(std::size_t(rule - 1));
}

const RuleRow& apply_rules(const DoctorFacts& f) {
    return rule_row(first_matching_rule(f));
}

}  // namespace casegate::revalidation
