// The admins' pages beside the cases: mail held for review (and items set aside or
// quarantined, processed again), reports (counts of cases by office, employer, route,
// type, status and outcome for a date range, with a chart and a CSV) and revalidation (the
// office's lists and the admin actions, with the refusals the `reval` commands give).
#include <algorithm>
#include <chrono>
#include <sstream>

#include "cases/print.hpp"
#include "cases/review.hpp"
#include "common/clock.hpp"
#include "console/app.hpp"
#include "console/page_parts.hpp"
#include "console/pages.hpp"
#include "reval/admin.hpp"
#include "storage/cases.hpp"
#include "storage/reports.hpp"
#include "util/strings.hpp"

namespace casegate::console {

namespace {

using json = nlohmann::json;

constexpr std::size_t kChartBars = 12;

std::string dimension_title(const std::string& d) {
    if (d == "office") return "By local office (every office)";
    if (d == "employer") return "By employer (trust)";
    if (d == "route") return "By route";
    if (d == "type") return "By type of concern";
    if (d == "status") return "By status";
    return "By outcome";
}

std::string value_label(const std::string& dimension, const std::string& value) {
    if (value.empty()) return "None recorded";
    if (dimension == "status") return status_label(value);
    return value;
}

// The reporting year so far: from 1 April (the NHS's year) to today.
std::pair<std::string, std::string> default_range() {
    const std::string today = common::local_today();
    const int year = std::atoi(today.substr(0, 4).c_str());
    const int month = std::atoi(today.substr(5, 2).c_str());
    return {std::to_string(month >= 4 ? year : year - 1) + "-04-01", today};
}

// A horizontal bar chart: a label, a bar and the count as text on each row, so that it reads
// without colour and with a screen reader (the table below has the same figures).
mstch::map chart(const std::vector<const storage::ReportRow*>& rows, const std::string& id) {
    std::int64_t top = 1;
    for (const storage::ReportRow* r : rows) top = std::max(top, r->count);
    constexpr int kRow = 28;
    constexpr int kBarX = 270;
    constexpr int kBarMax = 300;
    mstch::array bars;
    int y = 0;
    for (std::size_t i = 0; i < rows.size() && i < kChartBars; ++i, y += kRow) {
        std::string label = value_label(rows[i]->dimension, rows[i]->value);
        if (label.size() > 36) label = label.substr(0, 35) + "…";
        const auto width = static_cast<int>(rows[i]->count * kBarMax / top);
        bars.emplace_back(mstch::map{{"label", label},
                                     {"count", std::to_string(rows[i]->count)},
                                     {"y", std::to_string(y + 4)},
                                     {"text_y", std::to_string(y + 19)},
                                     {"width", std::to_string(std::max(width, 1))},
                                     {"count_x", std::to_string(kBarX + std::max(width, 1) + 8)}});
    }
    const std::size_t more = rows.size() > kChartBars ? rows.size() - kChartBars : 0;
    return {{"id", id},
            {"bars", bars},
            {"height", std::to_string(std::max(y, kRow) + 4)},
            {"more", more > 0},
            {"more_count", std::to_string(more)}};
}

}  // namespace

Response App::reports_page(storage::Db& db, const Viewer& v, const Request& req,
                           bool csv) const {
    if (v.staff.role != workflow::Role::admin) return not_found(&v);
    auto [from, to] = default_range();
    std::vector<std::string> problems;
    const std::string asked_from{util::trim(req.param("from"))};
    const std::string asked_to{util::trim(req.param("to"))};
    if (!asked_from.empty()) {
        if (is_date(asked_from)) {
            from = asked_from;
        } else {
            problems.emplace_back("From: enter a date like 2026-04-01");
        }
    }
    if (!asked_to.empty()) {
        if (is_date(asked_to)) {
            to = asked_to;
        } else {
            problems.emplace_back("To: enter a date like 2027-03-31");
        }
    }
    if (problems.empty() && to < from) problems.emplace_back("To must be on or after From");

    std::vector<storage::ReportRow> rows;
    if (problems.empty()) {
        storage::with_retry(db, [&] {
            storage::Transaction tx(db);
            rows = storage::case_report(db, from, to, v.staff.office);
            storage::audit(db, v.staff.email, "reports.viewed", std::nullopt, std::nullopt,
                           json{{"from", from}, {"to", to}, {"csv", csv}}.dump());
            tx.commit();
        });
    }

    if (csv) {
        if (!problems.empty()) return not_found(&v);
        std::ostringstream out;
        cases::print::csv_record({"dimension", "value", "cases"}, out);
        for (const storage::ReportRow& r : rows)
            cases::print::csv_record({r.dimension, r.value, std::to_string(r.count)}, out);
        Response r;
        r.content_type = "text/csv; charset=utf-8";
        r.body = out.str();
        r.headers.emplace_back("Content-Disposition",
                               util::concat({"attachment; filename=\"casegate-report-", from,
                                             "-to-", to, ".csv\""}));
        return r;
    }

    mstch::array sections;
    for (const std::string& d : storage::report_dimensions()) {
        std::vector<const storage::ReportRow*> of;
        std::int64_t total = 0;
        for (const storage::ReportRow& r : rows) {
            if (r.dimension != d) continue;
            of.push_back(&r);
            total += r.count;
        }
        mstch::array table;
        for (const storage::ReportRow* r : of)
            table.emplace_back(mstch::map{{"label", value_label(d, r->value)},
                                          {"count", std::to_string(r->count)}});
        sections.emplace_back(mstch::map{{"title", dimension_title(d)},
                                         {"id", "by-" + d},
                                         {"rows", table},
                                         {"has_rows", !table.empty()},
                                         {"total", std::to_string(total)},
                                         {"chart", chart(of, "chart-" + d)}});
    }
    mstch::array problem_list;
    for (const std::string& p : problems) problem_list.emplace_back(p);
    const mstch::map c{{"office", v.staff.office},
                       {"from", from},
                       {"to", to},
                       {"from_text", day_text(from)},
                       {"to_text", day_text(to)},
                       {"sections", sections},
                       {"has_problems", !problems.empty()},
                       {"problems", problem_list},
                       {"csv_link", util::concat({"/reports.csv?from=", util::percent_encode(from),
                                                  "&to=", util::percent_encode(to)})}};
    return page(&v, "Reports", "reports", c, problems.empty() ? 200 : 400);
}

// ---- revalidation --------------------------------------------------------------------------

Response App::reval_page(storage::Db& db, const Viewer& v, const Request& req) const {
    if (v.staff.role != workflow::Role::admin) return not_found(&v);
    static const std::vector<std::pair<std::string, std::string>> kListNames = {
        {"discrepancy", "Discrepancies"},
        {"connected", "Connected"},
        {"review", "Under review"},
        {"hidden", "Hidden"},
        {"historic", "Historic"}};
    std::string list = req.param("list");
    if (std::none_of(kListNames.begin(), kListNames.end(),
                     [&list](const auto& l) { return l.first == list; }))
        list = "discrepancy";
    std::ostringstream err;
    const auto table = reval::reval_table(cfg_, db, {v.staff.office, list, false}, err);
    mstch::array tabs;
    for (const auto& [key, label] : kListNames)
        tabs.emplace_back(mstch::map{{"label", label},
                                     {"link", "/revalidation?list=" + key},
                                     {"current", key == list}});
    mstch::array header;
    mstch::array rows;
    if (table) {
        for (const std::string& h : table->front()) header.emplace_back(h);
        for (std::size_t i = 1; i < table->size(); ++i) {
            mstch::array cells;
            for (const std::string& cell : (*table)[i]) cells.emplace_back(cell);
            rows.emplace_back(mstch::map{{"cells", cells}});
        }
    }
    mstch::map c{{"office", v.staff.office},
                 {"tabs", tabs},
                 {"header", header},
                 {"rows", rows},
                 {"has_rows", !rows.empty()},
                 {"count", std::to_string(rows.size())},
                 {"unavailable", !table.has_value()},
                 {"list", list}};
    return page(&v, "Revalidation", "revalidation", c);
}

Response App::reval_change(storage::Db& db, const Viewer& v, const Request& req) const {
    if (v.staff.role != workflow::Role::admin) return not_found(&v);
    reval::ActionOptions o;
    o.action = req.param("action");
    o.doctor = std::string(util::trim(req.param("doctor")));
    o.office = v.staff.office;
    o.reason = std::string(util::trim(req.param("reason")));
    o.note = std::string(util::trim(req.param("note")));
    o.as = v.staff.email;
    o.confirm_designated_body = req.param("confirm_db") == "1";
    const std::string until{util::trim(req.param("until"))};
    std::ostringstream out;
    std::ostringstream err;
    int rc = reval::kRevalUsage;
    const auto today = revalidation::Date::parse(common::local_today());
    if (!until.empty()) o.until = revalidation::Date::parse(until);
    if (!until.empty() && !o.until) {
        err << "Until: enter a date like 2027-03-31\n";
    } else if (today) {
        rc = reval::reval_act(cfg_, db, o, *today, out, err);
    }
    // What the command would print, without its usage text.
    Flash f{rc == reval::kRevalOk, "", {}};
    std::istringstream in(f.done ? out.str() : err.str());
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("usage:", 0) == 0 || line.rfind("  ", 0) == 0) break;
        if (!line.empty()) f.lines.push_back(line);
    }
    set_flash(db, v, f);
    return Response::redirect("/revalidation?list=" + util::percent_encode(req.param("list")));
}

// ---- held for review ----------------------------------------------------------------------

Response App::held_page(storage::Db& db, const Viewer& v) const {
    if (v.staff.role != workflow::Role::admin) return not_found(&v);
    mstch::array rows;
    for (const cases::HeldItem& h : cases::held_items(db, cfg_, v.staff.email)) {
        rows.emplace_back(mstch::map{{"id", std::to_string(h.id)},
                                     {"received", when(h.received_at)},
                                     {"from", h.from_address},
                                     {"reason", h.reason},
                                     {"reference", h.reference},
                                     {"attach", "/held/" + std::to_string(h.id) + "/attach"},
                                     {"dismiss", "/held/" + std::to_string(h.id) + "/dismiss"}});
    }
    mstch::array set_aside;
    for (const cases::SetAsideItem& i : cases::set_aside_items(db, cfg_, v.staff.email)) {
        set_aside.emplace_back(mstch::map{
            {"id", std::to_string(i.id)},
            {"received", i.received_at},
            {"source", i.source},
            {"from", i.from_address},
            {"state", std::string(i.state == "quarantined" ? "Quarantined" : "Set aside")},
            {"reason", i.reason},
            {"rerun", "/held/" + std::to_string(i.id) + "/rerun"}});
    }
    mstch::map c{{"rows", rows},
                 {"has_rows", !rows.empty()},
                 {"set_aside", set_aside},
                 {"has_set_aside", !set_aside.empty()},
                 {"default_office", v.staff.office == cfg_.default_office}};
    return page(&v, "Held for review", "held", c);
}

Response App::held_change(storage::Db& db, const Viewer& v, const std::string& item,
                          const std::string& what, const Request& req) const {
    if (v.staff.role != workflow::Role::admin) return not_found(&v);
    const std::int64_t id = std::atoll(item.c_str());
    std::string why;
    if (what == "attach") {
        why = cases::release_held(db, cfg_, v.staff.email, id,
                                  std::string(util::trim(req.param("reference"))));
    } else if (what == "dismiss") {
        why = cases::dismiss_held(db, cfg_, v.staff.email, id,
                                  std::string(util::trim(req.param("reason"))));
    } else if (what == "rerun") {
        why = cases::rerun_item(db, cfg_, v.staff.email, id);
    } else {
        return not_found(&v);
    }
    const std::string done = what == "attach"  ? "Item " + item + " will be added to the case"
                             : what == "rerun" ? "Item " + item + " will be processed again"
                                               : "Item " + item + " dismissed";
    set_flash(db, v, why.empty() ? Flash{true, done, {}} : Flash{false, "", {why}});
    return Response::redirect("/held");
}

}  // namespace casegate::console
