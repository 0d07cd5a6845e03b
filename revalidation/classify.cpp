// Drives the rules over every doctor: index, facts, rule table, visibility.
//
// Inputs are untrusted extracts; everything odd about them is handled in doctor_index.cpp
// and facts.cpp as documented there. One DoctorFacts is reused so that the per-doctor cost
// is the output itself.
#include "revalidation/classify.hpp"

#include <algorithm>

#include "revalidation/actions.hpp"
#include "revalidation/doctor_index.hpp"
#include "revalidation/facts.hpp"
#include "revalidation/rules.hpp"
#include "revalidation/visibility.hpp"

namespace casegate::revalidation {
namespace {

std::optional<std::string> lowest_person_id(const Inputs& in, const DoctorIndex& index,
                                            Span persons) {
    std::optional<std::string_view> lowest;
    for (std::uint32_t k = persons.begin; k < persons.end; ++k) {
        std::string_view id = in.tis[index.persons[k]].tis_person_id;
        if (!id.empty() && (!lowest || id < *lowest)) lowest = id;
    }
    if (!lowest) return std::nullopt;
    return std::string(*lowest);
}

GmcRequestStatus request_status(const GmcRequest& r) {
    GmcRequestStatus s;
    s.state = gmc_outcome(r.return_code) == GmcOutcome::refused ? GmcRequestState::refused
                                                                : GmcRequestState::failed;
    s.action = r.action;
    s.designated_body = r.designated_body;
    s.at = r.at;
    s.return_code = r.return_code;
    s.client_request_id = r.client_request_id;
    s.error = r.error;
    return s;
}

void fill(const Inputs& in, const DoctorIndex& index, const DoctorIndex::Doctor& d,
          const DoctorFacts& f, Classification& c) {
    const RuleRow& row = apply_rules(f);
    c.key = d.key;
    if (d.by_gmc) c.gmc_number = std::string(d.key);
    c.tis_person_id = lowest_person_id(in, index, d.persons);
    c.list = row.list;
    c.rule = row.rule;
    if (row.reason) c.reasons.push_back(*row.reason);
    c.flagged = f.flagged;
    c.tis_designated_bodies.assign(f.tis_designated_bodies.begin(), f.tis_designated_bodies.end());
    if (f.connected) c.gmc_designated_body = std::string(f.gmc_designated_body);
    fill_visible_to(f, row, c.visible_to);
    if (f.failed_request) c.gmc_request = request_status(in.gmc_requests[*f.failed_request]);
}

}  // namespace

std::vector<Classification> classify(const Inputs& in, Date today) {
    const DoctorIndex index = build_doctor_index(in);
    std::vector<Classification> out(index.doctors.size());
    DoctorFacts facts;
    for (std::size_t i = 0; i < index.doctors.size(); ++i) {
        gather_facts(in, index, index.doctors[i], today, facts);
        fill(in, index, index.doctors[i], facts, out[i]);
    }
    return out;
}

}  // namespace casegate::revalidation
