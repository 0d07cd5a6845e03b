// What the rules need to know about one doctor as of `today`, reduced from its records.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "revalidation/doctor_index.hpp"
#include "revalidation/model.hpp"

namespace casegate::revalidation {

struct DoctorFacts {
    bool has_gmc_number = false;  ///< keyed by a usable GMC number
    int tis_persons = 0;          ///< distinct TIS persons (0: not in TIS)
    bool connected = false;
    std::string_view gmc_designated_body;  ///< empty when not connected
    Licence licence = Licence::licensed;
    bool inactive = false;  ///< a TIS person has status INACTIVE
    bool f1 = false;        ///< a TIS person's current grade is F1

    bool any_membership = false;
    bool any_current = false;
    bool any_past = false;  ///< a membership ended before today (not current)
    bool current_military = false;
    bool current_visitor = false;
    std::vector<std::string_view> tis_designated_bodies;  ///< sorted, unique

    std::vector<std::string_view> history_designated_bodies;  ///< sorted, unique
    bool active_hide = false;
    bool flagged = false;
    std::optional<std::uint32_t> failed_request;  ///< index into Inputs::gmc_requests

    std::vector<std::uint32_t> scratch_hides;  ///< working space of gather_facts

    /// Resets every fact but keeps the vectors' capacity.
    void clear();
};

/// A membership is current when start <= today <= end, both dates present.
bool is_current(const ProgrammeMembership& m, Date today);

/// Ended before today (end present and < today). A membership that is neither current nor past
/// counts as not started, whether its start is in the future or a date is missing.
bool is_past(const ProgrammeMembership& m, Date today);

/// Whether a hide still applies today: `until` not passed (the until day itself included) and
/// its context, when recorded, equal to today's GMC DB and TIS DBs (as sets).
bool hide_applies(const ManualAction& hide, const DoctorFacts& f, Date today);

/// Fills `f` (cleared first, so one object can be reused without allocating) for one doctor.
/// Records dated after today (actions, requests, history starting later) are ignored.
void gather_facts(const Inputs& in, const DoctorIndex& index, const DoctorIndex::Doctor& d,
                  Date today, DoctorFacts& f);

}  // namespace casegate::revalidation
