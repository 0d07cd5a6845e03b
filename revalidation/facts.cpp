// Reduction of one doctor's records to the facts the rules test.
//
// Records are untrusted extracts: empty designated bodies are skipped, missing dates make a
// membership non-current, and records dated after `today` are treated as not yet made.
#include "revalidation/facts.hpp"

#include <algorithm>

#include "revalidation/actions.hpp"

namespace casegate::revalidation {
namespace {

void sort_unique(std::vector<std::string_view>& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
}

bool is_f1(std::string_view grade) {
    while (!grade.empty() && grade.front() == ' ') grade.remove_prefix(1);
    while (!grade.empty() && grade.back() == ' ') grade.remove_suffix(1);
    return grade.size() == 2 && (grade[0] == 'F' || grade[0] == 'f') && grade[1] == '1';
}

void gather_memberships(const TisPerson& p, Date today, DoctorFacts& f) {
    for (const ProgrammeMembership& m : p.programme_memberships) {
        f.any_membership = true;
        if (is_current(m, today)) {
            f.any_current = true;
            f.current_military |= m.type == MembershipType::military;
            f.current_visitor |= m.type == MembershipType::visitor;
            if (!m.designated_body.empty()) f.tis_designated_bodies.push_back(m.designated_body);
        } else if (is_past(m, today)) {
            f.any_past = true;
        }
    }
}

void gather_history(const Inputs& in, const DoctorIndex& index, Span s, Date today,
                    DoctorFacts& f) {
    for (std::uint32_t k = s.begin; k < s.end; ++k) {
        const HistoryEntry& h = in.history[index.history[k]];
        if (h.from && *h.from > today) continue;
        if (!h.designated_body.empty()) f.history_designated_bodies.push_back(h.designated_body);
    }
    sort_unique(f.history_designated_bodies);
}

// An unhide or unflag ends every earlier hide or flag on the doctor, from any office; a hide
// replaces only the same office's earlier hide (docs/revalidation.md, "manual actions").
void gather_actions(const Inputs& in, const DoctorIndex& index, Span s, Date today,
                    std::vector<std::uint32_t>& hides, DoctorFacts& f) {
    hides.clear();
    for (std::uint32_t k = s.begin; k < s.end; ++k) {
        const std::uint32_t i = index.actions[k];
        const ManualAction& a = in.actions[i];
        if (a.at > today) break;  // sorted by date: the rest is later still
        switch (a.action) {
            case ManualActionKind::hide: {
                auto same_db = std::find_if(hides.begin(), hides.end(), [&](std::uint32_t h) {
                    return in.actions[h].designated_body == a.designated_body;
                });
                if (same_db != hides.end()) {
                    *same_db = i;
                } else {
                    hides.push_back(i);
                }
                break;
            }
            case ManualActionKind::unhide:
                hides.clear();
                break;
            case ManualActionKind::flag:
                f.flagged = true;
                break;
            case ManualActionKind::unflag:
                f.flagged = false;
                break;
        }
    }
    f.active_hide = std::any_of(hides.begin(), hides.end(), [&](std::uint32_t h) {
        return hide_applies(in.actions[h], f, today);
    });
}

void gather_requests(const Inputs& in, const DoctorIndex& index, Span s, Date today,
                     DoctorFacts& f) {
    std::optional<std::uint32_t> latest;
    for (std::uint32_t k = s.begin; k < s.end; ++k) {
        const std::uint32_t i = index.requests[k];
        if (in.gmc_requests[i].at > today) break;
        latest = i;
    }
    if (latest && gmc_outcome(in.gmc_requests[*latest].return_code) != GmcOutcome::success) {
        f.failed_request = latest;
    }
}

}  // namespace

void DoctorFacts::clear() {
    auto keep_tis = std::move(tis_designated_bodies);
    auto keep_history = std::move(history_designated_bodies);
    auto keep_hides = std::move(scratch_hides);
    *this = DoctorFacts{};
    tis_designated_bodies = std::move(keep_tis);
    history_designated_bodies = std::move(keep_history);
    scratch_hides = std::move(keep_hides);
    tis_designated_bodies.clear();
    history_designated_bodies.clear();
    scratch_hides.clear();
}

bool is_current(const ProgrammeMembership& m, Date today) {
    return m.start_date && m.end_date && *m.start_date <= today && today <= *m.end_date;
}

bool is_past(const ProgrammeMembership& m, Date today) {
    return m.end_date && *m.end_date < today;
}

bool hide_applies(const ManualAction& hide, const DoctorFacts& f, Date today) {
    if (hide.until && *hide.until < today) return false;
    if (!hide.context) return true;
    const HideContext& c = *hide.context;
    const std::string_view made_on_gmc =
        c.gmc_designated_body ? std::string_view(*c.gmc_designated_body) : std::string_view();
    if (made_on_gmc != f.gmc_designated_body) return false;
    std::vector<std::string_view> made_on_tis(c.tis_designated_bodies.begin(),
                                              c.tis_designated_bodies.end());
    sort_unique(made_on_tis);
    return made_on_tis == f.tis_designated_bodies;
}

void gather_facts(const Inputs& in, const DoctorIndex& index, const DoctorIndex::Doctor& d,
                  Date today, DoctorFacts& f) {
    f.clear();
    f.has_gmc_number = d.by_gmc;
    f.tis_persons = int(d.persons.size());
    for (std::uint32_t k = d.persons.begin; k < d.persons.end; ++k) {
        const TisPerson& p = in.tis[index.persons[k]];
        f.inactive |= p.status == PersonStatus::inactive;
        f.f1 |= is_f1(p.current_grade);
        gather_memberships(p, today, f);
    }
    sort_unique(f.tis_designated_bodies);
    if (d.gmc_row >= 0) {
        const GmcDoctor& row = in.gmc[std::size_t(d.gmc_row)];
        f.connected = true;
        f.gmc_designated_body = row.designated_body;
        f.licence = row.licence;
    }
    gather_history(in, index, d.history, today, f);
    gather_actions(in, index, d.actions, today, f.scratch_hides, f);
    gather_requests(in, index, d.requests, today, f);
}

}  // namespace casegate::revalidation
