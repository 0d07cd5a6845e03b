// Reading stored classifications back for admins and for case routing.
//
// The rows were written by store_classifications, so their words are ours; a word this build
// does not know (a newer schema's) is skipped rather than guessed, and a visible_to that is
// not the expected JSON reads as "seen by nobody", which refuses every action on the doctor.
#include "storage/revalidation_admin.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "storage/cases.hpp"

namespace casegate::storage {
namespace {

namespace rv = revalidation;
using json = nlohmann::json;

json parse_json(const std::string& text) {
    return json::parse(text, nullptr, /*allow_exceptions=*/false);
}

std::vector<std::string> string_array(const std::string& text) {
    std::vector<std::string> out;
    const json j = parse_json(text);
    if (!j.is_array()) return out;
    for (const json& v : j) {
        if (v.is_string()) out.push_back(v.get<std::string>());
    }
    return out;
}

std::optional<rv::Reason> reason_of(std::string_view word) {
    for (int i = 0; i <= static_cast<int>(rv::Reason::no_current_membership); ++i) {
        const auto r = static_cast<rv::Reason>(i);
        if (rv::to_string(r) == word) return r;
    }
    return std::nullopt;
}

std::optional<rv::List> list_of(std::string_view word) {
    for (rv::List l : {rv::List::connected, rv::List::discrepancy, rv::List::review,
                       rv::List::hidden, rv::List::historic}) {
        if (rv::to_string(l) == word) return l;
    }
    return std::nullopt;
}

rv::OfficeAction office_action_of(const json& v) {
    if (!v.is_string()) return rv::OfficeAction::none;
    const std::string word = v.get<std::string>();
    for (rv::OfficeAction a :
         {rv::OfficeAction::add, rv::OfficeAction::remove, rv::OfficeAction::review,
          rv::OfficeAction::unhide, rv::OfficeAction::remove_or_hide,
          rv::OfficeAction::remove_or_review}) {
        if (rv::to_string(a) == word) return a;
    }
    return rv::OfficeAction::none;
}

std::vector<rv::Visibility> visible_of(const std::string& text) {
    std::vector<rv::Visibility> out;
    const json j = parse_json(text);
    if (!j.is_array()) return out;
    for (const json& e : j) {
        if (!e.is_object()) continue;
        const auto db = e.find("designated_body");
        const auto editable = e.find("editable");
        if (db == e.end() || !db->is_string()) continue;
        rv::Visibility v;
        v.designated_body = db->get<std::string>();
        v.editable = editable != e.end() && editable->is_boolean() && editable->get<bool>();
        if (const auto a = e.find("action"); a != e.end()) v.action = office_action_of(*a);
        out.push_back(std::move(v));
    }
    return out;
}

std::optional<rv::GmcRequestStatus> request_of(const std::string& text) {
    const json j = parse_json(text);
    if (!j.is_object()) return std::nullopt;
    rv::GmcRequestStatus s;
    s.state = j.value("state", "") == "refused" ? rv::GmcRequestState::refused
                                                : rv::GmcRequestState::failed;
    s.action = rv::parse_gmc_request_kind(j.value("action", "")).value_or(rv::GmcRequestKind::add);
    s.designated_body = j.value("designated_body", "");
    s.at = rv::Date::parse(j.value("at", "")).value_or(rv::Date());
    if (const auto rc = j.find("return_code"); rc != j.end() && rc->is_number_integer()) {
        s.return_code = rc->get<int>();
    }
    s.client_request_id = j.value("client_request_id", "");
    s.error = j.value("error", "");
    return s;
}

constexpr std::string_view kColumns =
    "SELECT doctor_key, gmc_number, tis_person_id, list, rule, array_to_json(reasons)::text,"
    " flagged, array_to_json(tis_designated_bodies)::text, gmc_designated_body,"
    " visible_to::text, gmc_request::text, classified_on::text, since::date::text"
    " FROM reval_classifications";

StoredDoctor doctor_of(const Result& r, int i) {
    StoredDoctor d;
    rv::Classification& c = d.classification;
    c.key = r.text(i, 0);
    if (!r.is_null(i, 1)) c.gmc_number = r.text(i, 1);
    if (!r.is_null(i, 2)) c.tis_person_id = r.text(i, 2);
    c.list = list_of(r.text(i, 3)).value_or(rv::List::hidden);
    c.rule = static_cast<int>(r.int64(i, 4));
    for (const std::string& w : string_array(r.text(i, 5))) {
        if (auto reason = reason_of(w)) c.reasons.push_back(*reason);
    }
    c.flagged = r.boolean(i, 6);
    c.tis_designated_bodies = string_array(r.text(i, 7));
    if (!r.is_null(i, 8)) c.gmc_designated_body = r.text(i, 8);
    c.visible_to = visible_of(r.text(i, 9));
    if (!r.is_null(i, 10)) c.gmc_request = request_of(r.text(i, 10));
    d.classified_on = r.text(i, 11);
    d.since = r.text(i, 12);
    return d;
}

std::string joined_name(const std::string& forenames, const std::string& surname) {
    std::string name = forenames;
    if (!name.empty() && !surname.empty()) name += ' ';
    return name + surname;
}

// Fills names and latest requests for `doctors` in three statements, whatever their number.
void add_names_and_requests(Db& db, std::vector<StoredDoctor>& doctors) {
    if (doctors.empty()) return;
    std::vector<std::string> gmc, tis;
    for (const StoredDoctor& d : doctors) {
        if (d.classification.gmc_number)
            gmc.push_back(*d.classification.gmc_number);
        else if (d.classification.tis_person_id)
            tis.push_back(*d.classification.tis_person_id);
    }
    const std::string gmc_array = pg_text_array(gmc), tis_array = pg_text_array(tis);
    std::unordered_map<std::string, std::string> by_gmc, by_tis, gmc_side;
    const Result p = db.exec(
        "SELECT gmc_number, tis_person_id, forenames, surname FROM reval_tis_persons"
        " WHERE gmc_number = ANY($1::text[]) OR tis_person_id = ANY($2::text[])"
        " ORDER BY tis_person_id",
        {gmc_array, tis_array});
    for (int i = 0; i < p.rows(); ++i) {
        const std::string name = joined_name(p.text(i, 2), p.text(i, 3));
        if (name.empty()) continue;
        by_gmc.emplace(p.text(i, 0), name);  // the lowest person id, as the rules report
        by_tis.emplace(p.text(i, 1), name);
    }
    const Result g = db.exec(
        "SELECT gmc_number, forenames, surname FROM reval_gmc_doctors"
        " WHERE gmc_number = ANY($1::text[]) ORDER BY designated_body, ord",
        {gmc_array});
    for (int i = 0; i < g.rows(); ++i) {
        const std::string name = joined_name(g.text(i, 1), g.text(i, 2));
        if (!name.empty()) gmc_side.emplace(g.text(i, 0), name);
    }
    std::unordered_map<std::string, LatestGmcRequest> requests;
    const Result q = db.exec(
        "SELECT DISTINCT ON (gmc_number) gmc_number, state, action, designated_body,"
        " client_request_id, return_code, coalesce(error, ''), requested_at::date::text,"
        " updated_at::date::text FROM reval_gmc_requests WHERE gmc_number = ANY($1::text[])"
        " ORDER BY gmc_number, requested_at DESC, id DESC",
        {gmc_array});
    for (int i = 0; i < q.rows(); ++i) {
        LatestGmcRequest l;
        l.state = q.text(i, 1);
        l.action = q.text(i, 2);
        l.designated_body = q.text(i, 3);
        l.client_request_id = q.text(i, 4);
        if (!q.is_null(i, 5)) l.return_code = static_cast<int>(q.int64(i, 5));
        l.error = q.text(i, 6);
        l.requested_on = q.text(i, 7);
        l.updated_on = q.text(i, 8);
        requests.emplace(q.text(i, 0), std::move(l));
    }
    for (StoredDoctor& d : doctors) {
        const rv::Classification& c = d.classification;
        if (c.gmc_number) {
            if (auto it = by_gmc.find(*c.gmc_number); it != by_gmc.end())
                d.name = it->second;
            else if (auto gt = gmc_side.find(*c.gmc_number); gt != gmc_side.end())
                d.name = gt->second;
            if (auto rt = requests.find(*c.gmc_number); rt != requests.end())
                d.latest_request = rt->second;
        } else if (c.tis_person_id) {
            if (auto it = by_tis.find(*c.tis_person_id); it != by_tis.end()) d.name = it->second;
        }
    }
}

std::optional<rv::Date> date_column(const Result& r, int row, int col) {
    if (r.is_null(row, col)) return std::nullopt;
    return rv::Date::parse(r.text(row, col));
}

}  // namespace

std::optional<StoredDoctor> stored_doctor(Db& db, std::string_view key) {
    const Result r = db.exec(std::string(kColumns) + " WHERE doctor_key = $1", {key});
    if (r.rows() == 0) return std::nullopt;
    std::vector<StoredDoctor> one{doctor_of(r, 0)};
    add_names_and_requests(db, one);
    return std::move(one.front());
}

std::vector<StoredDoctor> doctors_visible_to(Db& db, std::string_view designated_body,
                                             std::string_view list) {
    const json own = json::array({{{"designated_body", std::string(designated_body)}}});
    const Result r = db.exec(
        std::string(kColumns) +
            " WHERE (visible_to @> $1::jsonb OR visible_to @> '[{\"designated_body\":\"*\"}]')"
            " AND ($2 = '' OR list = $2 OR ($2 = 'review' AND flagged))"
            " ORDER BY gmc_number NULLS LAST, doctor_key",
        {own.dump(), list});
    std::vector<StoredDoctor> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.push_back(doctor_of(r, i));
    add_names_and_requests(db, out);
    return out;
}

std::vector<rv::ProgrammeMembership> tis_memberships_of(Db& db, std::string_view gmc_number) {
    const Result m = db.exec(
        "SELECT m.membership_id, m.programme_name, m.type, m.start_date, m.end_date,"
        " m.curriculum_end_date, m.designated_body FROM reval_tis_persons p"
        " JOIN reval_tis_memberships m ON m.snapshot_id = p.snapshot_id AND m.person_ord = p.ord"
        " WHERE p.gmc_number = $1 ORDER BY p.ord, m.ord",
        {gmc_number});
    std::vector<rv::ProgrammeMembership> out;
    for (int k = 0; k < m.rows(); ++k) {
        rv::ProgrammeMembership pm;
        pm.id = m.text(k, 0);
        pm.programme_name = m.text(k, 1);
        pm.type = rv::parse_membership_type(m.text(k, 2)).value_or(rv::MembershipType::substantive);
        pm.start_date = date_column(m, k, 3);
        pm.end_date = date_column(m, k, 4);
        pm.curriculum_end_date = date_column(m, k, 5);
        pm.designated_body = m.text(k, 6);
        out.push_back(std::move(pm));
    }
    return out;
}

std::optional<std::string> gmc_request_in_progress(Db& db, std::string_view gmc_number) {
    const Result r = db.exec(
        "SELECT client_request_id FROM reval_gmc_requests WHERE gmc_number = $1"
        " AND state IN ('pending', 'sent', 'failed') ORDER BY requested_at DESC, id DESC LIMIT 1",
        {gmc_number});
    if (r.rows() == 0) return std::nullopt;
    return r.text(0, 0);
}

std::optional<DoctorRouting> doctor_routing(Db& db, std::string_view gmc_number, rv::Date today) {
    const Result r = db.exec(
        "SELECT (SELECT coalesce(json_agg(d.designated_body ORDER BY d.start_date DESC,"
        "  d.designated_body), '[]')::text FROM (SELECT m.designated_body,"
        "  max(m.start_date) AS start_date FROM reval_tis_persons p"
        "  JOIN reval_tis_memberships m ON m.snapshot_id = p.snapshot_id AND m.person_ord = p.ord"
        "  WHERE p.gmc_number = $1 AND m.designated_body <> ''"
        "   AND m.start_date <= $2::date AND m.end_date >= $2::date"
        "  GROUP BY m.designated_body) d),"
        " c.list, array_to_json(c.reasons)::text, c.flagged, c.gmc_designated_body,"
        " c.classified_on::text"
        " FROM (SELECT 1) AS one LEFT JOIN reval_classifications c ON c.doctor_key = $1",
        {gmc_number, today.to_string()});
    DoctorRouting out;
    out.current_tis_designated_bodies = string_array(r.text(0, 0));
    if (!r.is_null(0, 1)) {
        out.list = r.text(0, 1);
        out.reasons = string_array(r.text(0, 2));
        out.flagged = r.boolean(0, 3);
        if (!r.is_null(0, 4)) out.gmc_designated_body = r.text(0, 4);
        out.classified_on = r.text(0, 5);
    }
    if (!out.list && out.current_tis_designated_bodies.empty()) return std::nullopt;
    return out;
}

}  // namespace casegate::storage
