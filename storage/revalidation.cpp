// Revalidation snapshots in, classification inputs out.
//
// Snapshots are loaded with COPY (text format, every field escaped by append_copy_field) into
// rows tagged with the new snapshot's id; the previous snapshot's rows for the same feed (and
// DB) are deleted in the same transaction, so readers see one whole snapshot or the other.
#include "storage/revalidation.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

namespace casegate::storage {
namespace {

namespace rv = revalidation;
using OptText = std::optional<std::string_view>;

OptText date_field(const std::optional<rv::Date>& d, std::string& buf) {
    if (!d) return std::nullopt;
    buf = d->to_string();
    return buf;
}

std::optional<SnapshotRow> snapshot_query(Db& db, std::string_view where, std::string_view feed,
                                          std::string_view designated_body) {
    const Result r = db.exec(
        "SELECT id, feed, designated_body, row_count, error_count, state, coalesce(reason, '')"
        " FROM reval_snapshots WHERE feed = $1 AND designated_body = $2" +
            std::string(where) + " ORDER BY id DESC LIMIT 1",
        {feed, designated_body});
    if (r.rows() == 0) return std::nullopt;
    return SnapshotRow{r.int64(0, 0), r.text(0, 1), r.text(0, 2), r.int64(0, 3),
                       r.int64(0, 4), r.text(0, 5), r.text(0, 6)};
}

std::int64_t insert_snapshot(Db& db, std::string_view feed, std::string_view designated_body,
                             std::size_t rows, std::size_t errors, std::string_view state,
                             const std::string& reason) {
    const Result r = db.exec(
        "INSERT INTO reval_snapshots (feed, designated_body, row_count, error_count, state,"
        " reason, applied_at) VALUES ($1, $2, $3, $4, $5, nullif($6, ''),"
        " CASE WHEN $5 = 'applied' THEN now() END) RETURNING id",
        {feed, designated_body, static_cast<std::int64_t>(rows), static_cast<std::int64_t>(errors),
         state, reason});
    return r.int64(0, 0);
}

std::optional<rv::Date> date_column(const Result& r, int row, int col) {
    if (r.is_null(row, col)) return std::nullopt;
    return rv::Date::parse(r.text(row, col));
}

// Opens a connection for each doctor new to the DB (from the date added, never after today)
// and closes (to today) each open one whose doctor is gone. The difference is taken here
// rather than in SQL so that its cost does not hang on the planner's view of freshly
// copied tables.
void update_connection_history(Db& db, const std::string& designated_body,
                               const std::vector<rv::GmcDoctor>& doctors, rv::Date today) {
    std::unordered_map<std::string_view, std::optional<rv::Date>> now;  // GMC number → added
    now.reserve(doctors.size());
    for (const rv::GmcDoctor& d : doctors) {
        auto [it, fresh] = now.emplace(d.gmc_number, d.date_added);
        if (!fresh && d.date_added && (!it->second || *it->second < *d.date_added)) {
            it->second = d.date_added;
        }
    }
    const Result open = db.exec(
        "SELECT id, gmc_number FROM reval_connection_history"
        " WHERE designated_body = $1 AND to_date IS NULL AND source = 'snapshot'",
        {designated_body});
    std::string closed = "{";
    for (int i = 0; i < open.rows(); ++i) {
        const std::string gmc = open.text(i, 1);
        auto it = now.find(gmc);
        if (it == now.end()) {
            if (closed.size() > 1) closed += ',';
            closed += open.text(i, 0);
        } else {
            now.erase(it);  // still connected: nothing to open
        }
    }
    if (closed.size() > 1) {
        db.exec(
            "UPDATE reval_connection_history SET to_date = $2::date WHERE id = ANY($1::bigint[])",
            {closed + "}", today.to_string()});
    }
    std::string rows, from;
    for (const rv::GmcDoctor& d : doctors) {
        auto it = now.find(d.gmc_number);
        if (it == now.end()) continue;  // already open, or written just now
        from = std::min(it->second.value_or(today), today).to_string();
        append_copy_field(rows, true, d.gmc_number);
        append_copy_field(rows, false, designated_body);
        append_copy_field(rows, false, from);
        rows += '\n';
        now.erase(it);
    }
    if (!rows.empty()) {
        db.copy_in(
            "COPY reval_connection_history (gmc_number, designated_body, from_date) FROM STDIN",
            rows);
    }
}

}  // namespace

std::optional<SnapshotRow> applied_snapshot(Db& db, std::string_view feed,
                                            std::string_view designated_body) {
    return snapshot_query(db, " AND state = 'applied'", feed, designated_body);
}

std::optional<SnapshotRow> latest_snapshot(Db& db, std::string_view feed,
                                           std::string_view designated_body) {
    return snapshot_query(db, "", feed, designated_body);
}

std::int64_t record_refused_snapshot(Db& db, std::string_view feed,
                                     std::string_view designated_body, std::size_t row_count,
                                     std::size_t error_count, const std::string& reason) {
    return insert_snapshot(db, feed, designated_body, row_count, error_count, "refused", reason);
}

std::int64_t apply_tis_snapshot(Db& db, const std::vector<rv::TisPerson>& persons,
                                std::size_t error_count, const std::string& note) {
    std::unordered_set<std::string_view> ids;
    ids.reserve(persons.size());
    for (const rv::TisPerson& p : persons) {
        if (!ids.insert(p.tis_person_id).second) {
            throw std::invalid_argument("TIS person id " + p.tis_person_id + " given twice");
        }
    }
    const std::int64_t id =
        insert_snapshot(db, feed_tis, "", persons.size(), error_count, "applied", note);
    const std::string sid = std::to_string(id);
    std::string people, members, b1, b2, b3;
    people.reserve(persons.size() * 96);
    members.reserve(persons.size() * 128);
    for (std::size_t i = 0; i < persons.size(); ++i) {
        const rv::TisPerson& p = persons[i];
        const std::string ord = std::to_string(i);
        append_copy_field(people, true, sid);
        append_copy_field(people, false, ord);
        append_copy_field(people, false, p.tis_person_id);
        append_copy_field(people, false, p.gmc_number);
        append_copy_field(people, false, p.forenames);
        append_copy_field(people, false, p.surname);
        append_copy_field(people, false, rv::to_string(p.status));
        append_copy_field(people, false, p.current_grade);
        people += '\n';
        for (std::size_t k = 0; k < p.programme_memberships.size(); ++k) {
            const rv::ProgrammeMembership& m = p.programme_memberships[k];
            append_copy_field(members, true, sid);
            append_copy_field(members, false, ord);
            append_copy_field(members, false, std::to_string(k));
            append_copy_field(members, false, m.id);
            append_copy_field(members, false, m.programme_name);
            append_copy_field(members, false, rv::to_string(m.type));
            append_copy_field(members, false, date_field(m.start_date, b1));
            append_copy_field(members, false, date_field(m.end_date, b2));
            append_copy_field(members, false, date_field(m.curriculum_end_date, b3));
            append_copy_field(members, false, m.designated_body);
            members += '\n';
        }
    }
    db.exec("DELETE FROM reval_tis_memberships");
    db.exec("DELETE FROM reval_tis_persons");
    db.copy_in(
        "COPY reval_tis_persons (snapshot_id, ord, tis_person_id, gmc_number, forenames, surname,"
        " status, current_grade) FROM STDIN",
        people);
    db.copy_in(
        "COPY reval_tis_memberships (snapshot_id, person_ord, ord, membership_id, programme_name,"
        " type, start_date, end_date, curriculum_end_date, designated_body) FROM STDIN",
        members);
    return id;
}

std::int64_t apply_gmc_snapshot(Db& db, const std::string& designated_body,
                                const std::vector<rv::GmcDoctor>& doctors, rv::Date today,
                                const std::string& note) {
    for (const rv::GmcDoctor& d : doctors) {
        if (d.designated_body != designated_body) {
            throw std::invalid_argument("GMC row for " + d.gmc_number + " is tagged " +
                                        d.designated_body + ", not " + designated_body);
        }
        if (d.gmc_number.size() != 7 || !rv::usable_gmc_number(d.gmc_number)) {
            throw std::invalid_argument("GMC row without a 7-digit GMC number");
        }
    }
    const std::int64_t id =
        insert_snapshot(db, feed_gmc, designated_body, doctors.size(), 0, "applied", note);
    const std::string sid = std::to_string(id);
    std::string rows, b1, b2;
    rows.reserve(doctors.size() * 96);
    for (std::size_t i = 0; i < doctors.size(); ++i) {
        const rv::GmcDoctor& d = doctors[i];
        append_copy_field(rows, true, sid);
        append_copy_field(rows, false, std::to_string(i));
        append_copy_field(rows, false, d.designated_body);
        append_copy_field(rows, false, d.gmc_number);
        append_copy_field(rows, false, d.forenames);
        append_copy_field(rows, false, d.surname);
        append_copy_field(rows, false, date_field(d.date_added, b1));
        append_copy_field(rows, false, date_field(d.submission_date, b2));
        append_copy_field(rows, false, d.under_notice);
        append_copy_field(rows, false, rv::to_string(d.licence));
        rows += '\n';
    }
    db.copy_in(
        "COPY reval_gmc_doctors (snapshot_id, ord, designated_body, gmc_number, forenames,"
        " surname, date_added, submission_date, under_notice, licence) FROM STDIN",
        rows);
    update_connection_history(db, designated_body, doctors, today);
    db.exec("DELETE FROM reval_gmc_doctors WHERE designated_body = $1 AND snapshot_id <> $2",
            {designated_body, id});
    return id;
}

void import_connection_history(Db& db, const std::vector<rv::HistoryEntry>& entries) {
    std::string rows, b1, b2;
    for (const rv::HistoryEntry& h : entries) {
        append_copy_field(rows, true, h.gmc_number);
        append_copy_field(rows, false, h.designated_body);
        append_copy_field(rows, false, date_field(h.from, b1));
        append_copy_field(rows, false, date_field(h.to, b2));
        append_copy_field(rows, false, std::string_view("import"));
        rows += '\n';
    }
    if (rows.empty()) return;
    db.copy_in(
        "COPY reval_connection_history (gmc_number, designated_body, from_date, to_date, source)"
        " FROM STDIN",
        rows);
}

namespace {

void load_tis(Db& db, rv::Inputs& in) {
    const Result p = db.exec(
        "SELECT ord, tis_person_id, gmc_number, forenames, surname, status, current_grade"
        " FROM reval_tis_persons ORDER BY snapshot_id, ord");
    const Result m = db.exec(
        "SELECT person_ord, membership_id, programme_name, type, start_date, end_date,"
        " curriculum_end_date, designated_body FROM reval_tis_memberships"
        " ORDER BY snapshot_id, person_ord, ord");
    in.tis.reserve(in.tis.size() + static_cast<std::size_t>(p.rows()));
    int k = 0;
    for (int i = 0; i < p.rows(); ++i) {
        rv::TisPerson t;
        const std::int64_t ord = p.int64(i, 0);
        t.tis_person_id = p.text(i, 1);
        t.gmc_number = p.text(i, 2);
        t.forenames = p.text(i, 3);
        t.surname = p.text(i, 4);
        t.status = rv::parse_person_status(p.text(i, 5)).value_or(rv::PersonStatus::active);
        t.current_grade = p.text(i, 6);
        for (; k < m.rows() && m.int64(k, 0) <= ord; ++k) {
            if (m.int64(k, 0) != ord) continue;
            rv::ProgrammeMembership pm;
            pm.id = m.text(k, 1);
            pm.programme_name = m.text(k, 2);
            pm.type =
                rv::parse_membership_type(m.text(k, 3)).value_or(rv::MembershipType::substantive);
            pm.start_date = date_column(m, k, 4);
            pm.end_date = date_column(m, k, 5);
            pm.curriculum_end_date = date_column(m, k, 6);
            pm.designated_body = m.text(k, 7);
            t.programme_memberships.push_back(std::move(pm));
        }
        in.tis.push_back(std::move(t));
    }
}

void load_gmc(Db& db, rv::Inputs& in) {
    const Result r = db.exec(
        "SELECT gmc_number, forenames, surname, designated_body, date_added, submission_date,"
        " under_notice, licence FROM reval_gmc_doctors ORDER BY designated_body, ord");
    in.gmc.reserve(in.gmc.size() + static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
        rv::GmcDoctor d;
        d.gmc_number = r.text(i, 0);
        d.forenames = r.text(i, 1);
        d.surname = r.text(i, 2);
        d.designated_body = r.text(i, 3);
        d.date_added = date_column(r, i, 4);
        d.submission_date = date_column(r, i, 5);
        d.under_notice = r.text(i, 6);
        d.licence = rv::parse_licence(r.text(i, 7)).value_or(rv::Licence::licensed);
        in.gmc.push_back(std::move(d));
    }
}

std::optional<rv::HideContext> context_of(const std::string& text) {
    const auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return std::nullopt;
    rv::HideContext c;
    if (auto g = j.find("gmc_designated_body"); g != j.end() && g->is_string()) {
        c.gmc_designated_body = g->get<std::string>();
    }
    if (auto t = j.find("tis_designated_bodies"); t != j.end() && t->is_array()) {
        for (const auto& db : *t) {
            if (db.is_string()) c.tis_designated_bodies.push_back(db.get<std::string>());
        }
    }
    return c;
}

void load_actions(Db& db, rv::Inputs& in) {
    const Result r = db.exec(
        "SELECT gmc_number, tis_person_id, action, designated_body, actor, effective_on, reason,"
        " until, context::text FROM reval_manual_actions"
        " WHERE action IN ('hide', 'unhide', 'flag', 'unflag') ORDER BY effective_on, id");
    for (int i = 0; i < r.rows(); ++i) {
        rv::ManualAction a;
        a.gmc_number = r.text(i, 0);
        a.tis_person_id = r.text(i, 1);
        a.action = rv::parse_manual_action(r.text(i, 2)).value_or(rv::ManualActionKind::hide);
        a.designated_body = r.text(i, 3);
        a.by = r.text(i, 4);
        a.at = date_column(r, i, 5).value_or(rv::Date());
        a.reason = r.text(i, 6);
        a.until = date_column(r, i, 7);
        if (!r.is_null(i, 8)) a.context = context_of(r.text(i, 8));
        in.actions.push_back(std::move(a));
    }
}

void load_history(Db& db, rv::Inputs& in) {
    const Result r = db.exec(
        "SELECT gmc_number, designated_body, from_date, to_date FROM reval_connection_history"
        " ORDER BY id");
    in.history.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
        in.history.push_back(
            {r.text(i, 0), r.text(i, 1), date_column(r, i, 2), date_column(r, i, 3)});
    }
}

// A request counts once it has an outcome; one being retried still shows its last failure.
void load_requests(Db& db, rv::Inputs& in) {
    const Result r = db.exec(
        "SELECT gmc_number, action, designated_body, requested_by, requested_at::date,"
        " reason_code, client_request_id, coalesce(gmc_request_id, ''), return_code,"
        " coalesce(error, '') FROM reval_gmc_requests"
        " WHERE state IN ('succeeded', 'refused', 'failed')"
        "  OR (state = 'sent' AND attempts > 1)"
        " ORDER BY requested_at, id");
    for (int i = 0; i < r.rows(); ++i) {
        rv::GmcRequest q;
        q.gmc_number = r.text(i, 0);
        q.action = rv::parse_gmc_request_kind(r.text(i, 1)).value_or(rv::GmcRequestKind::add);
        q.designated_body = r.text(i, 2);
        q.by = r.text(i, 3);
        q.at = date_column(r, i, 4).value_or(rv::Date());
        q.reason_code = static_cast<int>(r.int64(i, 5));
        q.client_request_id = r.text(i, 6);
        q.gmc_request_id = r.text(i, 7);
        if (!r.is_null(i, 8)) q.return_code = static_cast<int>(r.int64(i, 8));
        q.error = r.text(i, 9);
        in.gmc_requests.push_back(std::move(q));
    }
}

}  // namespace

rv::Inputs load_inputs(Db& db) {
    rv::Inputs in;
    load_tis(db, in);
    load_gmc(db, in);
    load_actions(db, in);
    load_history(db, in);
    load_requests(db, in);
    return in;
}

void lock_classification(Db& db, ClassificationLock who) {
    db.exec("SELECT pg_advisory_xact_lock(hashtext('casegate.reval.classify'))");
    if (who == ClassificationLock::for_admin_action) {
        db.exec("LOCK TABLE reval_classifications IN SHARE ROW EXCLUSIVE MODE");
    }
}

}  // namespace casegate::storage
