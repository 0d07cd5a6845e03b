// Reading cases (service.hpp: show, audit_trail, list): each read is audited, and a case the
// member may not see reads exactly as one that does not exist.
#include <nlohmann/json.hpp>

#include "cases/access.hpp"
#include "cases/service.hpp"
#include "storage/cases.hpp"
#include "util/strings.hpp"

namespace casegate::cases {

using namespace detail;

namespace {

using ojson = nlohmann::ordered_json;

std::string dump(const ojson& j) {
    return j.dump(-1, ' ', false, ojson::error_handler_t::replace);
}

std::string_view kind_of_view(bool refused) {
    return refused ? "view_refused" : "viewed";
}

// The member of staff reading, or nullopt with the refusal set.
std::optional<Staff> reader(const common::Config& cfg, std::string_view email,
                            std::string_view reference, std::string& refusal) {
    std::optional<Staff> staff = find_staff(cfg, email);
    if (!staff) refusal = unknown_staff(email, reference).refusal;
    return staff;
}

}  // namespace

CaseView show(storage::Db& db, const common::Config& cfg, std::string_view actor_email,
              std::string_view reference, bool with_audit) {
    CaseView v;
    const std::optional<Staff> staff = reader(cfg, actor_email, reference, v.refusal);
    if (!staff) return v;
    const std::string ref(util::trim(reference));
    storage::with_retry(db, [&] {
        v = CaseView{};
        storage::Transaction tx(db);
        if (const auto c = storage::find_case(db, ref, false)) {
            const bool visible = workflow::can_see(staff->actor(), facts_of(*c));
            storage::audit(db, staff->email, "case." + std::string(kind_of_view(!visible)), c->id,
                           c->submission_id);
            if (visible) {
                v.found = true;
                v.reference = c->reference;
                v.status = std::string(workflow::to_string(c->status));
                v.local_office = c->local_office;
                v.case_manager = c->case_manager;
                v.outcome = c->outcome;
                v.created_at = c->created_at;
                v.fields_json = c->fields_json;
                v.actions = storage::case_actions_of(db, c->id);
                v.documents = storage::documents_of(db, c->id, std::nullopt);
                v.case_id = c->id;
                if (with_audit) v.audit = storage::audit_of(db, c->id, c->submission_id);
            }
        } else if (const auto s = storage::find_incomplete_submission(db, ref)) {
            const bool visible = can_see_submission(cfg, *staff, *s);
            storage::audit(db, staff->email, "submission." + std::string(kind_of_view(!visible)),
                           std::nullopt, s->id);
            if (visible) {
                v.found = true;
                v.reference = s->reference;
                v.status = "incomplete";
                v.local_office = office_of(cfg, *s);
                v.created_at = s->created_at;
                v.fields_json = s->fields_json;
                v.missing_json = s->missing_json;
                v.errors_json = s->errors_json;
                v.documents = storage::documents_of(db, std::nullopt, s->id);
                if (with_audit) v.audit = storage::audit_of(db, std::nullopt, s->id);
            }
        }
        tx.commit();
    });
    if (!v.found) v.refusal = std::string(kNoSuchCase);
    return v;
}

AuditView audit_trail(storage::Db& db, const common::Config& cfg, std::string_view actor_email,
                      std::string_view reference) {
    AuditView v;
    const std::optional<Staff> staff = reader(cfg, actor_email, reference, v.refusal);
    if (!staff) return v;
    const std::string ref(util::trim(reference));
    storage::with_retry(db, [&] {
        v = AuditView{};
        storage::Transaction tx(db);
        std::optional<std::int64_t> case_id, submission_id;
        if (const auto c = storage::find_case(db, ref, false)) {
            v.found = workflow::can_see(staff->actor(), facts_of(*c));
            case_id = c->id;
            submission_id = c->submission_id;
        } else if (const auto s = storage::find_incomplete_submission(db, ref)) {
            v.found = can_see_submission(cfg, *staff, *s);
            submission_id = s->id;
        }
        if (v.found) v.entries = storage::audit_of(db, case_id, submission_id);
        if (case_id || submission_id) {
            storage::audit(db, staff->email, v.found ? "case.audit_read" : "case.audit_refused",
                           case_id, submission_id);
        }
        tx.commit();
    });
    if (!v.found) v.refusal = std::string(kNoSuchCase);
    return v;
}

std::vector<storage::StoredCase> list(storage::Db& db, const common::Config& cfg,
                                      std::string_view actor_email, storage::CaseFilter filter) {
    return list_page(db, cfg, actor_email, std::move(filter), {}, false).cases;
}

CaseList list_page(storage::Db& db, const common::Config& cfg, std::string_view actor_email,
                   storage::CaseFilter filter, const storage::CaseOrder& order, bool counts) {
    const std::optional<Staff> staff = find_staff(cfg, actor_email);
    if (!staff)
        throw std::invalid_argument("'" + std::string(actor_email) + "' " +
                                    std::string(kUnknownStaff));
    // Another office's cases are never listed, whatever the filter asks.
    if (!filter.office.empty() && filter.office != staff->office) return {};
    filter.office = staff->office;
    if (staff->role == workflow::Role::case_manager) {
        if (filter.case_manager && !util::iequals(*filter.case_manager, staff->email)) return {};
        filter.case_manager = staff->email;
    }
    CaseList out;
    storage::with_retry(db, [&] {
        storage::Transaction tx(db);
        out.cases = storage::list_cases(db, filter, order);
        if (counts) out.counts = storage::count_cases(db, filter);
        ojson audit;
        audit["count"] = out.cases.size();
        if (!filter.gmc.empty()) audit["doctor"] = true;
        storage::audit(db, staff->email, "cases.listed", std::nullopt, std::nullopt, dump(audit));
        tx.commit();
    });
    return out;
}

}  // namespace casegate::cases
