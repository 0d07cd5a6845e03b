// What the cases commands print. Values come from the database as stored; JSON and CSV are
// made by their writers here, tables are padded by display width.
#include "cases/print.hpp"

#include <algorithm>

#include "forms/form.hpp"

namespace casegate::cases::print {

namespace {

using json = nlohmann::json;

// Display width of UTF-8 text: one column per code point.
std::size_t width(const std::string& s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char ch) {
        return (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
    }));
}

std::string or_dash(const std::optional<std::string>& s) {
    return s && !s->empty() ? *s : std::string("-");
}

json parsed(const std::string& text, const json& fallback) {
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    return j.is_discarded() ? fallback : j;
}

std::string one_line(std::string s) {
    std::replace_if(
        s.begin(), s.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    return s;
}

}  // namespace

std::string value_text(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "Yes" : "No";
    if (v.is_array()) {
        std::string out;
        for (const json& item : v) out += (out.empty() ? "" : ", ") + value_text(item);
        return out;
    }
    return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

void table(const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
    std::vector<std::size_t> widths;
    for (const auto& row : rows) {
        if (widths.size() < row.size()) widths.resize(row.size(), 0);
        for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], width(row[i]));
    }
    for (const auto& row : rows) {
        std::string text;
        for (std::size_t i = 0; i < row.size(); ++i) {
            text += row[i];
            if (i + 1 < row.size()) text += std::string(widths[i] - width(row[i]) + 2, ' ');
        }
        out << text << "\n";
    }
}

void csv_record(const std::vector<std::string>& cells, std::ostream& out) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
        std::string cell = cells[i];
        if (!cell.empty() && std::string_view("=+-@\t\r").find(cell[0]) != std::string_view::npos)
            cell.insert(0, "'");
        const bool quote = cell.find_first_of(",\"\r\n") != std::string::npos;
        if (i) out << ',';
        if (!quote) {
            out << cell;
            continue;
        }
        out << '"';
        for (char c : cell) out << (c == '"' ? std::string("\"\"") : std::string(1, c));
        out << '"';
    }
    out << "\r\n";
}

std::string line(const ojson& j) {
    return j.dump(-1, ' ', false, ojson::error_handler_t::replace);
}

const std::vector<std::string>& list_keys() {
    static const std::vector<std::string> keys = {
        "reference",     "status",       "local_office",  "created_at",
        "concern_route", "concern_type", "trainee_name",  "gmc_number",
        "employer",      "case_manager", "referrer_name", "referrer_email"};
    return keys;
}

std::vector<std::string> case_cells(const storage::StoredCase& c) {
    return {c.reference,
            std::string(workflow::to_string(c.status)),
            c.local_office,
            c.created_at,
            c.concern_route,
            c.concern_type,
            c.trainee_name,
            c.gmc_number,
            c.employer.value_or(""),
            c.case_manager.value_or(""),
            c.referrer_name,
            c.referrer_email};
}

ojson case_json(const storage::StoredCase& c) {
    ojson j;
    const std::vector<std::string> cells = case_cells(c);
    for (std::size_t i = 0; i < cells.size(); ++i) j[list_keys()[i]] = cells[i];
    j["employer"] = c.employer ? ojson(*c.employer) : ojson(nullptr);
    j["case_manager"] = c.case_manager ? ojson(*c.case_manager) : ojson(nullptr);
    return j;
}

ojson show_json(const CaseView& v) {
    ojson j;
    j["reference"] = v.reference;
    j["status"] = v.status;
    j["local_office"] = v.local_office;
    j["case_manager"] = v.case_manager ? ojson(*v.case_manager) : ojson(nullptr);
    j["outcome"] = v.outcome ? ojson(*v.outcome) : ojson(nullptr);
    j["created_at"] = v.created_at;
    j["fields"] = parsed(v.fields_json, json::object());
    if (v.status == "incomplete") {
        j["missing"] = parsed(v.missing_json, json::array());
        j["errors"] = parsed(v.errors_json, json::array());
    }
    ojson actions = ojson::array();
    for (const storage::StoredAction& a : v.actions) {
        ojson action;
        action["kind"] = a.kind;
        action["actor"] = a.actor;
        action["at"] = a.at;
        const json details = parsed(a.details_json, json::object());
        if (details.is_object()) {
            for (const auto& [key, value] : details.items()) {
                if (!action.contains(key)) action[key] = value;
            }
        }
        actions.push_back(action);
    }
    j["actions"] = actions;
    ojson documents = ojson::array();
    for (const storage::StoredDocument& d : v.documents) {
        documents.push_back(
            {{"filename", d.filename}, {"content_type", d.content_type}, {"size", d.size}});
    }
    j["documents"] = documents;
    return j;
}

void show_text(const CaseView& v, std::ostream& out) {
    table({{"Reference:", v.reference},
           {"Status:", v.status},
           {"Local office:", v.local_office},
           {"Case manager:", or_dash(v.case_manager)},
           {"Outcome:", one_line(or_dash(v.outcome))},
           {"Created:", v.created_at}},
          out);
    const json fields = parsed(v.fields_json, json::object());
    out << "\nReferral\n";
    for (const forms::FieldDef& f : forms::referral_form()) {
        const auto it = fields.find(std::string(f.key));
        if (it == fields.end()) continue;
        std::string value = value_text(*it);
        if (f.type != forms::FieldType::long_text) value = one_line(value);
        out << "  " << f.label << ": " << value << "\n";
    }
    if (v.status == "incomplete") {
        out << "  Missing: " << value_text(parsed(v.missing_json, json::array())) << "\n";
    }
    out << "\nActions\n";
    std::vector<std::vector<std::string>> rows;
    for (const storage::StoredAction& a : v.actions) {
        const json d = parsed(a.details_json, json::object());
        std::string what;
        for (const char* key :
             {"status_after", "case_manager", "date", "engagement", "filename", "text"}) {
            if (d.is_object() && d.contains(key)) {
                what += (what.empty() ? "" : "; ") + one_line(value_text(d[key]));
            }
        }
        rows.push_back({"  " + a.at, a.actor, a.kind, what});
    }
    if (rows.empty()) out << "  none\n";
    table(rows, out);
    out << "\nDocuments\n";
    rows.clear();
    for (const storage::StoredDocument& d : v.documents)
        rows.push_back({"  " + d.filename, d.content_type, std::to_string(d.size) + " bytes"});
    if (rows.empty()) out << "  none\n";
    table(rows, out);
}

void audit_json(const AuditView& v, std::ostream& out) {
    for (const storage::AuditEntry& e : v.entries) {
        ojson j;
        j["at"] = e.at;
        j["actor"] = e.actor;
        j["action"] = e.action;
        j["details"] = parsed(e.details_json, json::object());
        out << line(j) << "\n";
    }
}

void audit_text(const AuditView& v, std::ostream& out) {
    std::vector<std::vector<std::string>> rows{{"AT", "ACTOR", "ACTION", "OUTCOME"}};
    for (const storage::AuditEntry& e : v.entries) {
        const json d = parsed(e.details_json, json::object());
        std::string outcome =
            d.is_object() && d.contains("outcome") ? value_text(d["outcome"]) : std::string("-");
        if (d.is_object() && d.contains("status_after"))
            outcome += " -> " + value_text(d["status_after"]);
        rows.push_back({e.at, e.actor, e.action, outcome});
    }
    table(rows, out);
}

void outcome_text(const Outcome& o, std::ostream& out) {
    out << o.summary << "\n";
    if (o.told.empty()) {
        out << "nobody told\n";
        return;
    }
    for (const Told& t : o.told) {
        std::string to;
        for (const std::string& a : t.to) to += (to.empty() ? "" : ", ") + a;
        out << "told " << t.who << " (" << t.kind << "): " << to << "\n";
    }
}

}  // namespace casegate::cases::print
