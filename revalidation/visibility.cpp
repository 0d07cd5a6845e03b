// Visibility of a classified doctor to local offices (REVALIDATION.md "Who sees the doctor").
#include "revalidation/visibility.hpp"

#include <algorithm>

namespace casegate::revalidation {
namespace {

// Why an office sees the doctor; an office can be both the GMC DB and a TIS DB.
enum Role : unsigned { gmc_db = 1, tis_db = 2, every = 4 };

OfficeAction action_for(Offered offered, unsigned role) {
    const bool gmc = role & gmc_db;
    const bool adds = role & (tis_db | every);
    switch (offered) {
        case Offered::none:
            return OfficeAction::none;
        case Offered::unhide:
            return OfficeAction::unhide;
        case Offered::review:
            return OfficeAction::review;
        case Offered::remove:
            return gmc ? OfficeAction::remove : OfficeAction::none;
        case Offered::remove_or_hide:
            return gmc ? OfficeAction::remove_or_hide : OfficeAction::none;
        case Offered::remove_or_review:
            return gmc ? OfficeAction::remove_or_review : OfficeAction::none;
        case Offered::add:
            return adds ? OfficeAction::add : OfficeAction::none;
        case Offered::add_for_tis_remove_for_gmc:
            return gmc ? OfficeAction::remove : adds ? OfficeAction::add : OfficeAction::none;
    }
    return OfficeAction::none;
}

bool seen_by_every_office(const DoctorFacts& f, List list) {
    const bool list_qualifies =
        list == List::review || list == List::hidden || list == List::discrepancy;
    return list_qualifies && !f.connected && f.tis_designated_bodies.empty();
}

}  // namespace

void fill_visible_to(const DoctorFacts& f, const RuleRow& row, std::vector<Visibility>& out) {
    out.clear();
    if (seen_by_every_office(f, row.list)) {
        out.push_back({std::string(every_office), true, action_for(row.offered, every)});
        return;
    }
    for (std::string_view db : f.tis_designated_bodies) {
        const unsigned role = tis_db | (f.connected && db == f.gmc_designated_body ? gmc_db : 0u);
        out.push_back({std::string(db), true, action_for(row.offered, role)});
    }
    const auto listed = [&](std::string_view db) {
        return std::any_of(out.begin(), out.end(),
                           [&](const Visibility& v) { return v.designated_body == db; });
    };
    if (f.connected && !listed(f.gmc_designated_body)) {
        out.push_back({std::string(f.gmc_designated_body), true, action_for(row.offered, gmc_db)});
    }
    for (std::string_view db : f.history_designated_bodies) {
        if (!listed(db)) out.push_back({std::string(db), false, OfficeAction::none});
    }
    std::sort(out.begin(), out.end(), [](const Visibility& a, const Visibility& b) {
        return a.designated_body < b.designated_body;
    });
}

}  // namespace casegate::revalidation
