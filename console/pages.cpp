// The console's pages: the working list, a case, a doctor (held mail, reports and revalidation
// are in admin_pages.cpp). Each reads and changes cases only through the case service
// (cases/service.hpp), which audits every view and change and decides who may see what.
#include "console/pages.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "cases/print.hpp"
#include "common/log.hpp"
#include "console/app.hpp"
#include "console/page_parts.hpp"
#include "forms/form.hpp"
#include "reval/admin.hpp"
#include "util/strings.hpp"

namespace casegate::console {

namespace {

using json = nlohmann::json;

constexpr std::pair<std::string_view, std::string_view> kPageTemplates[] = {
#include "console_templates.inc"
};

constexpr int kPageSize = 50;

std::string size_text(std::int64_t bytes) {
    if (bytes < 1024) return std::to_string(bytes) + " bytes";
    if (bytes < 1024 * 1024) return std::to_string((bytes + 512) / 1024) + " KB";
    return std::to_string((bytes + 512 * 1024) / (1024 * 1024)) + " MB";
}

std::string action_label(std::string_view kind) {
    static const std::pair<std::string_view, std::string_view> kLabels[] = {
        {"accept", "Accepted"},
        {"return", "Returned"},
        {"assign", "Case manager assigned"},
        {"review", "Under review"},
        {"triage", "Triage recorded"},
        {"meeting", "Meeting invited"},
        {"engagement", "Engagement recorded"},
        {"plan", "Action plan"},
        {"outcome", "Outcome"},
        {"note", "Note"},
        {"attach", "Document added"},
        {"close", "Closed"},
        {"archive", "Archived"},
        {"reopen", "Reopened"},
        {"follow_up", "Follow-up received"},
        {"possible_duplicate", "Possible duplicate received"},
        {"database_change", "Changed in the database"},
        {"created", "Referral received"},
    };
    for (const auto& [k, label] : kLabels) {
        if (k == kind) return std::string(label);
    }
    std::string out(kind);
    std::replace(out.begin(), out.end(), '_', ' ');
    if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
    return out;
}

mstch::array options(const std::vector<std::pair<std::string, std::string>>& values,
                     const std::string& selected) {
    mstch::array out;
    for (const auto& [value, label] : values)
        out.emplace_back(mstch::map{
            {"value", value}, {"label", label}, {"selected", value == selected}});
    return out;
}

std::vector<std::pair<std::string, std::string>> field_options(std::string_view key) {
    std::vector<std::pair<std::string, std::string>> out;
    if (const forms::FieldDef* f = forms::find_field(key)) {
        for (const std::string_view o : f->options) out.emplace_back(o, o);
    }
    return out;
}

const std::vector<std::string_view>& kStatuses() {
    static const std::vector<std::string_view> s = {"submitted", "accepted",     "returned",
                                                    "under_review", "closed", "archived"};
    return s;
}

// The changes the forms of a case page offer, in the order shown.
constexpr workflow::Change kChanges[] = {
    workflow::Change::accept,  workflow::Change::return_,    workflow::Change::assign,
    workflow::Change::review,  workflow::Change::triage,     workflow::Change::meeting,
    workflow::Change::engagement, workflow::Change::plan,    workflow::Change::outcome,
    workflow::Change::note,    workflow::Change::close,      workflow::Change::archive,
    workflow::Change::reopen,
};

}  // namespace

std::string render_page(const std::string& name, const mstch::map& context) {
    for (const auto& [n, text] : kPageTemplates) {
        if (n == name) return util::render(std::string(text), context, util::Escape::html);
    }
    throw std::logic_error("no page template " + name);
}

// ---- the working list ----------------------------------------------------------------------

Response App::cases_page(storage::Db& db, const Viewer& v, const Request& req, bool csv) const {
    storage::CaseFilter f;
    storage::CaseOrder order;
    std::vector<std::string> problems;
    const std::string q{util::trim(req.param("q"))};
    const std::string status = req.param("status");
    const std::string route = req.param("route");
    const std::string type = req.param("type");
    const std::string employer{util::trim(req.param("employer"))};
    const std::string cm = req.param("case_manager");
    const std::string from = req.param("from");
    const std::string to = req.param("to");
    const bool archived = req.param("archived") == "1";
    f.search = q;
    if (!status.empty()) {
        if (workflow::case_status_from(status)) {
            f.statuses = {status};
        } else {
            problems.emplace_back("Status: choose one from the list");
        }
    }
    f.route = route;
    f.type = type;
    f.employer = employer;
    if (!cm.empty()) f.case_manager = cm;
    if (!from.empty() && !is_date(from)) problems.emplace_back("From: enter a date like 2026-03-05");
    if (!to.empty() && !is_date(to)) problems.emplace_back("To: enter a date like 2026-03-05");
    if (is_date(from)) f.created_from = from;
    if (is_date(to)) f.created_to = to;
    f.include_archived = archived || status == "archived";
    order.sort = req.param("sort").empty() ? "created" : req.param("sort");
    order.ascending = req.param("dir") == "asc";
    int page_no = std::max(1, std::atoi(req.param("page").c_str()));
    if (!csv) {
        order.limit = kPageSize;
        order.offset = (page_no - 1) * kPageSize;
    }
    const cases::CaseList list = cases::list_page(db, cfg_, v.staff.email, f, order, !csv);

    // The query of this listing, without sort, dir and page (kept by each link as needed).
    std::string base;
    const auto add = [&base](const char* k, const std::string& value) {
        if (value.empty()) return;
        base += util::concat({base.empty() ? "" : "&", k, "=", util::percent_encode(value)});
    };
    add("q", q);
    add("status", status);
    add("route", route);
    add("type", type);
    add("employer", employer);
    add("case_manager", cm);
    add("from", from);
    add("to", to);
    if (archived) add("archived", "1");
    const auto with = [&base](const std::string& more) {
        if (base.empty()) return more;
        return more.empty() ? base : base + "&" + more;
    };

    if (csv) {
        std::ostringstream out;
        cases::print::csv_record(
            [] {
                std::vector<std::string> h;
                for (const auto& k : cases::print::list_keys()) h.push_back(k);
                return h;
            }(),
            out);
        for (const storage::StoredCase& c : list.cases)
            cases::print::csv_record(cases::print::case_cells(c), out);
        Response r;
        r.content_type = "text/csv; charset=utf-8";
        r.body = out.str();
        r.headers.emplace_back("Content-Disposition", "attachment; filename=\"cases.csv\"");
        return r;
    }

    mstch::array rows;
    for (const storage::StoredCase& c : list.cases) {
        const std::string st(workflow::to_string(c.status));
        rows.emplace_back(mstch::map{
            {"reference", c.reference},
            {"status", status_label(st)},
            {"tag", status_tag(st)},
            {"doctor", c.trainee_name},
            {"gmc", c.gmc_number},
            {"referrer", c.referrer_name},
            {"route", c.concern_route},
            {"type", c.concern_type},
            {"employer", c.employer.value_or("")},
            {"case_manager", c.case_manager ? staff_name(cfg_, *c.case_manager) : std::string()},
            {"received", when(c.created_at).substr(0, when(c.created_at).rfind(' '))},
        });
    }
    static const std::pair<const char*, const char*> kColumns[] = {
        {"reference", "Reference"}, {"status", "Status"},     {"doctor", "Doctor"},
        {"gmc", "GMC number"},      {"referrer", "Referrer"}, {"route", "Route"},
        {"type", "Type"},           {"employer", "Employer"}, {"case_manager", "Case manager"},
        {"created", "Received"},
    };
    mstch::array columns;
    for (const auto& [key, label] : kColumns) {
        const bool current = order.sort == key;
        const bool next_asc = current ? !order.ascending : key != std::string_view("created");
        columns.emplace_back(mstch::map{
            {"label", std::string(label)},
            {"link", "/?" + with(util::concat({"sort=", key, "&dir=", next_asc ? "asc" : "desc"}))},
            {"sorted", current},
            {"aria_sort", std::string(current ? (order.ascending ? "ascending" : "descending")
                                              : "none")},
        });
    }
    mstch::array counts;
    int working = 0;
    for (const auto& [st, n] : list.counts.by_status) {
        if (st != "archived") working += n;
        counts.emplace_back(mstch::map{{"label", status_label(st)},
                                       {"count", std::to_string(n)},
                                       {"link", "/?status=" + st},
                                       {"current", st == status}});
    }
    std::vector<std::pair<std::string, std::string>> status_values;
    for (const std::string_view s : kStatuses()) status_values.emplace_back(s, status_label(s));
    std::vector<std::pair<std::string, std::string>> staff_values;
    if (const common::OfficeConfig* o = cfg_.office(v.staff.office)) {
        for (const auto& s : o->staff) staff_values.emplace_back(s.email, s.name);
    }
    const int total = list.counts.total;
    const int first = total == 0 ? 0 : order.offset + 1;
    const int last = order.offset + static_cast<int>(list.cases.size());
    const std::string sort_part =
        util::concat({"sort=", order.sort, "&dir=", order.ascending ? "asc" : "desc"});
    mstch::map c{
        {"q", q},
        {"employer", employer},
        {"from", from},
        {"to", to},
        {"archived", archived},
        {"status_options", options(status_values, status)},
        {"route_options", options(field_options("concern_route"), route)},
        {"type_options", options(field_options("concern_type"), type)},
        {"staff_options", options(staff_values, cm)},
        {"is_admin", v.staff.role == workflow::Role::admin},
        {"columns", columns},
        {"rows", rows},
        {"has_rows", !rows.empty()},
        {"counts", counts},
        {"working", std::to_string(working)},
        {"total", std::to_string(total)},
        {"first", std::to_string(first)},
        {"last", std::to_string(last)},
        {"csv_link", "/cases.csv?" + with(sort_part)},
        {"office", v.staff.office},
    };
    if (!problems.empty()) {
        mstch::array p;
        for (const std::string& s : problems) p.emplace_back(s);
        c.emplace("problems", p);
        c.emplace("has_problems", true);
    }
    if (page_no > 1)
        c.emplace("previous", "/?" + with(sort_part + "&page=" + std::to_string(page_no - 1)));
    if (last < total)
        c.emplace("next", "/?" + with(sort_part + "&page=" + std::to_string(page_no + 1)));
    return page(&v, "Cases", "cases", c);
}

// ---- a case --------------------------------------------------------------------------------

Response App::case_page(storage::Db& db, const Viewer& v, const std::string& reference) const {
    const cases::CaseView cv = cases::show(db, cfg_, v.staff.email, reference, true);
    if (!cv.found) return not_found(&v);

    mstch::array fields;
    const json values = parsed(cv.fields_json);
    for (const forms::FieldDef& f : forms::referral_form()) {
        const auto it = values.find(std::string(f.key));
        if (it == values.end()) continue;
        fields.emplace_back(mstch::map{{"label", std::string(f.label)},
                                       {"value", cases::print::value_text(*it)}});
    }
    mstch::array missing;
    if (cv.status == "incomplete") {
        for (const json& k : parsed(cv.missing_json)) {
            const forms::FieldDef* f = k.is_string() ? forms::find_field(k.get<std::string>()) : nullptr;
            missing.emplace_back(f ? std::string(f->label) : k.dump());
        }
    }

    mstch::array timeline;
    for (const storage::StoredAction& a : cv.actions) {
        const json d = parsed(a.details_json);
        mstch::array lines;
        for (const char* key : {"status_after", "case_manager", "date", "engagement", "support",
                                "filename", "from"}) {
            if (!d.is_object() || !d.contains(key)) continue;
            std::string value = cases::print::value_text(d[key]);
            if (std::string_view(key) == "status_after") value = status_label(value);
            if (std::string_view(key) == "case_manager") value = staff_name(cfg_, value);
            lines.emplace_back(value);
        }
        timeline.emplace_back(mstch::map{
            {"at", when(a.at)},
            {"what", action_label(a.kind)},
            {"who", staff_name(cfg_, a.actor)},
            {"lines", lines},
            {"text", d.is_object() && d.contains("text") ? cases::print::value_text(d["text"])
                                                         : std::string()},
        });
    }
    mstch::array documents;
    for (const storage::StoredDocument& d : cv.documents) {
        documents.emplace_back(mstch::map{
            {"filename", d.filename},
            {"type", d.content_type},
            {"size", size_text(d.size)},
            {"at", when(d.created_at)},
            {"link", util::concat({"/cases/", cv.reference, "/documents/", std::to_string(d.id)})},
            {"downloadable", cv.case_id != 0},
        });
    }
    mstch::array audit;
    for (const storage::AuditEntry& e : cv.audit) {
        audit.emplace_back(mstch::map{
            {"at", when(e.at)}, {"who", staff_name(cfg_, e.actor)}, {"what", e.action}});
    }

    // The forms of the changes this member may make now.
    mstch::map forms_ctx;
    bool any_form = false;
    if (cv.status != "incomplete") {
        const workflow::CaseFacts facts{*workflow::case_status_from(cv.status), cv.local_office,
                                        cv.case_manager, ""};
        // The changes that need nothing but a press of a button, with their labels.
        static const std::pair<workflow::Change, const char*> kButtons[] = {
            {workflow::Change::accept, "Accept the referral"},
            {workflow::Change::review, "Start the review"},
            {workflow::Change::archive, "Archive the case"},
            {workflow::Change::reopen, "Reopen the case"}};
        mstch::array buttons;
        for (const workflow::Change ch : kChanges) {
            if (!workflow::decide(v.staff.actor(), facts, ch, "x").allowed) continue;
            forms_ctx.emplace(std::string("can_") + std::string(workflow::to_string(ch)), true);
            any_form = true;
            for (const auto& [button, label] : kButtons) {
                if (button != ch) continue;
                buttons.emplace_back(mstch::map{{"change", std::string(workflow::to_string(ch))},
                                                {"label", std::string(label)},
                                                {"primary", buttons.empty()}});
            }
        }
        forms_ctx.emplace("buttons", buttons);
        if (workflow::decide(v.staff.actor(), facts, workflow::Change::attach, "x").allowed) {
            forms_ctx.emplace("can_attach", true);
            any_form = true;
        }
    }
    std::vector<std::pair<std::string, std::string>> staff_values;
    if (const common::OfficeConfig* o = cfg_.office(cv.local_office)) {
        for (const auto& s : o->staff) staff_values.emplace_back(s.email, s.name);
    }
    mstch::array support;
    for (const auto& [value, label] : field_options("support_requested"))
        support.emplace_back(mstch::map{{"value", value}, {"label", label},
                                        {"id", "support-" + std::to_string(support.size())}});

    mstch::map c{
        {"reference", cv.reference},
        {"status", status_label(cv.status)},
        {"tag", status_tag(cv.status)},
        {"office", cv.local_office},
        {"case_manager", cv.case_manager ? staff_name(cfg_, *cv.case_manager) : std::string()},
        {"outcome", cv.outcome.value_or("")},
        {"received", when(cv.created_at)},
        {"fields", fields},
        {"missing", missing},
        {"incomplete", cv.status == "incomplete"},
        {"timeline", timeline},
        {"documents", documents},
        {"has_documents", !documents.empty()},
        {"audit", audit},
        {"forms", forms_ctx},
        {"any_form", any_form},
        {"staff_options", options(staff_values, cv.case_manager.value_or(""))},
        {"support_options", support},
        {"action", util::concat({"/cases/", cv.reference, "/actions"})},
        {"upload", util::concat({"/cases/", cv.reference, "/documents"})},
    };
    const json values_doc = parsed(cv.fields_json);
    if (values_doc.contains("gmc_number") && values_doc["gmc_number"].is_string())
        c.emplace("doctor_link", "/doctors/" + values_doc["gmc_number"].get<std::string>());
    return page(&v, "Case " + cv.reference, "case", c);
}

namespace {

// What a change did, for the next page: the summary (and `what`, when given) and who was told,
// or why not.
Flash flash_of(const cases::Outcome& o, const common::Config& cfg, const std::string& what = {}) {
    if (!o.done) return {false, "", {o.refusal}};
    Flash f{true, o.summary, {}};
    if (!what.empty()) f.lines.push_back(what);
    if (o.told.empty()) f.lines.emplace_back("Nobody else was told.");
    for (const cases::Told& t : o.told) {
        std::string to;
        for (const std::string& a : t.to) to += (to.empty() ? "" : ", ") + staff_name(cfg, a);
        f.lines.push_back("Told the " + t.who + (to.empty() ? "" : " (" + to + ")"));
    }
    return f;
}

}  // namespace

Response App::case_change(storage::Db& db, const Viewer& v, const std::string& reference,
                          const Request& req) const {
    const std::optional<workflow::Change> ch = workflow::change_from(req.param("change"));
    if (!ch || *ch == workflow::Change::attach) return not_found(&v);
    std::string detail;
    std::string problem;
    switch (*ch) {
        case workflow::Change::return_:
            detail = req.param("reason");
            break;
        case workflow::Change::assign:
            detail = req.param("case_manager");
            break;
        case workflow::Change::triage:
            if (req.param("school_level") == "1") {
                detail = "returned to school level";
            } else {
                for (const std::string& s : req.params_of("support"))
                    detail += (detail.empty() ? "" : ", ") + s;
                if (detail.empty()) problem = "Choose the support agreed, or returned to school level";
            }
            break;
        case workflow::Change::meeting:
            detail = req.param("date");
            if (!is_date(detail)) problem = "Enter the meeting's date like 2026-03-05";
            break;
        case workflow::Change::engagement:
            detail = req.param("engagement") == "yes"  ? "engaged"
                     : req.param("engagement") == "no" ? "not engaged"
                                                       : "";
            if (detail.empty()) problem = "Choose whether the doctor engaged";
            break;
        case workflow::Change::close:
            detail = req.param("outcome");
            break;
        case workflow::Change::plan:
        case workflow::Change::outcome:
        case workflow::Change::note:
            detail = req.param("text");
            break;
        default:
            break;
    }
    detail = std::string(util::trim(detail));
    cases::Outcome o;
    if (!problem.empty()) {
        o.refusal = problem;
    } else {
        o = cases::apply(db, cfg_, v.staff.email, reference, *ch, detail);
        if (!o.done && o.refusal == cases::kNoSuchCase) return not_found(&v);
    }
    set_flash(db, v, flash_of(o, cfg_));
    return Response::redirect(util::concat({"/cases/", reference}));
}

Response App::case_upload(storage::Db& db, const Viewer& v, const std::string& reference,
                          const Request& req) const {
    const auto it = std::find_if(req.files.begin(), req.files.end(),
                                 [](const Upload& u) { return u.field == "document"; });
    cases::Outcome o;
    if (it == req.files.end() || it->filename.empty()) {
        o.refusal = "Choose a file to upload";
    } else {
        o = cases::attach(db, cfg_, v.staff.email, reference, {it->filename, it->content});
        if (!o.done && o.refusal == cases::kNoSuchCase) return not_found(&v);
    }
    set_flash(db, v, flash_of(o, cfg_, it == req.files.end() ? "" : "Added " + it->filename));
    return Response::redirect(util::concat({"/cases/", reference}));
}

Response App::case_document(storage::Db& db, const Viewer& v, const std::string& reference,
                            const std::string& id) const {
    const cases::CaseView cv = cases::show(db, cfg_, v.staff.email, reference, false);
    if (!cv.found || cv.case_id == 0) return not_found(&v);
    std::optional<storage::DocumentContent> d;
    storage::with_retry(db, [&] {
        d = storage::document_of_case(db, cv.case_id, std::atoll(id.c_str()));
    });
    if (!d) return not_found(&v);
    Response r;
    r.content_type = d->content_type;
    r.body = std::move(d->content);
    std::string name;
    for (const char ch : d->filename)
        name += (ch == '"' || ch == '\\' || static_cast<unsigned char>(ch) < 0x20) ? '_' : ch;
    r.headers.emplace_back("Content-Disposition",
                           util::concat({"attachment; filename=\"document\"; filename*=UTF-8''",
                                         util::percent_encode(name)}));
    return r;
}

// ---- a doctor ------------------------------------------------------------------------------

Response App::doctor_page(storage::Db& db, const Viewer& v, const std::string& gmc) const {
    storage::CaseFilter f;
    f.gmc = gmc;
    f.include_archived = true;
    const cases::CaseList list = cases::list_page(db, cfg_, v.staff.email, f, {}, false);
    // A doctor with no case this member may see is not confirmed to exist.
    if (list.cases.empty()) return not_found(&v);
    mstch::array rows;
    for (const storage::StoredCase& c : list.cases) {
        const std::string st(workflow::to_string(c.status));
        rows.emplace_back(mstch::map{{"reference", c.reference},
                                     {"status", status_label(st)},
                                     {"tag", status_tag(st)},
                                     {"route", c.concern_route},
                                     {"type", c.concern_type},
                                     {"received", when(c.created_at)},
                                     {"outcome", c.outcome.value_or("")}});
    }
    mstch::array reval;
    if (v.staff.role == workflow::Role::admin) {
        std::ostringstream out, err;
        reval::reval_list(cfg_, db, {v.staff.office, "", true}, out, err);
        std::istringstream lines(out.str());
        for (std::string line; std::getline(lines, line);) {
            const json j = json::parse(line, nullptr, false);
            if (!j.is_object() || !j.contains("gmc_number") || !j["gmc_number"].is_string() ||
                j["gmc_number"].get<std::string>() != gmc)
                continue;
            std::string reasons;
            if (j.contains("reasons") && j["reasons"].is_array()) {
                for (const json& r : j["reasons"])
                    reasons += (reasons.empty() ? "" : "; ") + cases::print::value_text(r);
            }
            reval.emplace_back(mstch::map{{"list", j["list"].is_string() ? j["list"].get<std::string>() : std::string()},
                                          {"reasons", reasons}});
        }
    }
    mstch::map c{{"gmc", gmc},
                 {"name", list.cases.front().trainee_name},
                 {"rows", rows},
                 {"reval", reval},
                 {"is_admin", v.staff.role == workflow::Role::admin},
                 {"has_reval", !reval.empty()}};
    return page(&v, "Doctor " + gmc, "doctor", c);
}

}  // namespace casegate::console
