// `casegate reval list` and what every admin command prints: the office's doctors as a table
// or as JSON lines. Read-only.
#include <algorithm>

#include "reval/admin.hpp"
#include "reval/admin_detail.hpp"
#include "storage/revalidation.hpp"

namespace casegate::reval {
namespace detail {
namespace {

// The office's entry in visible_to: its own, else "*" (every office).
const rv::Visibility* entry_for(const rv::Classification& c, const std::string& body) {
    const rv::Visibility* every = nullptr;
    for (const rv::Visibility& v : c.visible_to) {
        if (v.designated_body == body) return &v;
        if (v.designated_body == rv::every_office) every = &v;
    }
    return every;
}

json optional_text(const std::optional<std::string>& s) {
    return s ? json(*s) : json(nullptr);
}

json request_json(const std::optional<storage::LatestGmcRequest>& r) {
    if (!r) return nullptr;
    ojson j;
    j["state"] = r->state;
    j["action"] = r->action;
    j["designated_body"] = r->designated_body;
    j["client_request_id"] = r->client_request_id;
    j["return_code"] = r->return_code ? json(*r->return_code) : json(nullptr);
    j["error"] = r->error;
    j["requested_on"] = r->requested_on;
    j["updated_on"] = r->updated_on;
    return j;
}

// Display width of UTF-8 text: one column per code point.
std::size_t width(const std::string& s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char ch) {
        return (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
    }));
}

}  // namespace

const common::OfficeConfig* find_office(const common::Config& cfg,
                                        const std::string& name_or_body) {
    if (const common::OfficeConfig* o = cfg.office(name_or_body)) return o;
    return cfg.office_of_body(name_or_body);
}

int unknown_office(const common::Config& cfg, const std::string& office, std::ostream& err) {
    err << "casegate reval: '" << office << "' is not a configured office; configured:";
    for (const common::OfficeConfig& o : cfg.offices)
        err << " '" << o.name << "' (" << o.designated_body << ")";
    err << "\n";
    return kRevalUsage;
}

std::vector<std::string> reason_words(const rv::Classification& c) {
    std::vector<std::string> out;
    for (rv::Reason r : c.reasons) out.emplace_back(rv::to_string(r));
    return out;
}

ojson doctor_json(const storage::StoredDoctor& d) {
    const rv::Classification& c = d.classification;
    ojson j;
    j["key"] = c.key;
    j["gmc_number"] = optional_text(c.gmc_number);
    j["tis_person_id"] = optional_text(c.tis_person_id);
    j["name"] = d.name;
    j["list"] = rv::to_string(c.list);
    j["reasons"] = reason_words(c);
    j["flagged"] = c.flagged;
    j["tis_designated_bodies"] = c.tis_designated_bodies;
    j["gmc_designated_body"] = optional_text(c.gmc_designated_body);
    return j;
}

ojson list_line(const storage::StoredDoctor& d, const std::string& body) {
    ojson j = doctor_json(d);
    const rv::Visibility* v = entry_for(d.classification, body);
    const bool editable = v && v->editable;
    j["editable"] = editable;
    j["read_only"] = !editable;
    j["action"] =
        v && v->action != rv::OfficeAction::none ? json(rv::to_string(v->action)) : json(nullptr);
    j["gmc_request"] = request_json(d.latest_request);
    j["classified_on"] = d.classified_on;
    j["since"] = d.since;
    return j;
}

std::string dump(const ojson& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string joined(const std::vector<std::string>& v, std::string_view sep) {
    std::string out;
    for (const std::string& s : v) {
        if (!out.empty()) out += sep;
        out += s;
    }
    return out.empty() ? "-" : out;
}

std::vector<std::string> table_row(const storage::StoredDoctor& d, const std::string& body) {
    const rv::Classification& c = d.classification;
    const rv::Visibility* v = entry_for(c, body);
    const bool editable = v && v->editable;
    std::string gmc = c.gmc_number ? *c.gmc_number : "TIS:" + c.tis_person_id.value_or(c.key);
    std::string dbs = "gmc=" + c.gmc_designated_body.value_or("-") +
                      " tis=" + joined(c.tis_designated_bodies, ",");
    std::string request = "-";
    if (d.latest_request) {
        request = d.latest_request->action + " " + d.latest_request->state + " " +
                  d.latest_request->updated_on;
    }
    std::string action = v && v->action != rv::OfficeAction::none
                             ? std::string(rv::to_string(v->action))
                             : std::string("-");
    return {gmc,
            d.name.empty() ? "-" : d.name,
            std::string(rv::to_string(c.list)),
            joined(reason_words(c), ","),
            dbs,
            c.flagged ? "flagged" : "-",
            request,
            action,
            editable ? "editable" : "read-only"};
}

void print_table(const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
    std::vector<std::size_t> w(rows.front().size(), 0);
    for (const auto& r : rows) {
        for (std::size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], width(r[i]));
    }
    for (const auto& r : rows) {
        std::string line;
        for (std::size_t i = 0; i < r.size(); ++i) {
            line += r[i];
            if (i + 1 < r.size()) line.append(w[i] - width(r[i]) + 2, ' ');
        }
        out << line << '\n';
    }
}

}  // namespace detail

using namespace detail;

namespace {

// The office's stored doctors for `o`, or nullopt (and the usage error on err).
std::optional<std::vector<storage::StoredDoctor>> doctors_for(const common::Config& cfg,
                                                              storage::Db& db, const ListOptions& o,
                                                              const common::OfficeConfig*& office,
                                                              std::ostream& err) {
    office = find_office(cfg, o.office);
    if (!office) {
        unknown_office(cfg, o.office, err);
        return std::nullopt;
    }
    if (!o.list.empty() && std::find(kLists.begin(), kLists.end(), o.list) == kLists.end()) {
        err << "casegate reval list: unknown list '" << o.list << "'\n" << kUsage;
        return std::nullopt;
    }
    std::vector<storage::StoredDoctor> doctors;
    storage::with_retry(db, [&] {
        storage::Transaction tx(db);
        doctors = storage::doctors_visible_to(db, office->designated_body, o.list);
        tx.commit();
    });
    return doctors;
}

const std::vector<std::string> kHeader = {"GMC",  "NAME",        "LIST",   "REASONS", "DBS",
                                          "FLAG", "GMC REQUEST", "ACTION", "ACCESS"};

}  // namespace

std::optional<std::vector<std::vector<std::string>>> reval_table(const common::Config& cfg,
                                                                 storage::Db& db,
                                                                 const ListOptions& o,
                                                                 std::ostream& err) {
    const common::OfficeConfig* office = nullptr;
    const auto doctors = doctors_for(cfg, db, o, office, err);
    if (!doctors) return std::nullopt;
    std::vector<std::vector<std::string>> rows{kHeader};
    for (const auto& d : *doctors) rows.push_back(table_row(d, office->designated_body));
    return rows;
}

int reval_list(const common::Config& cfg, storage::Db& db, const ListOptions& o, std::ostream& out,
               std::ostream& err) {
    const common::OfficeConfig* office = nullptr;
    const auto doctors = doctors_for(cfg, db, o, office, err);
    if (!doctors) return kRevalUsage;
    if (o.json) {
        for (const auto& d : *doctors) out << dump(list_line(d, office->designated_body)) << '\n';
        out.flush();
        return kRevalOk;
    }
    std::vector<std::vector<std::string>> rows{kHeader};
    std::size_t read_only = 0;
    for (const auto& d : *doctors) {
        rows.push_back(table_row(d, office->designated_body));
        if (rows.back().back() == "read-only") ++read_only;
    }
    print_table(rows, out);
    out << doctors->size() << (doctors->size() == 1 ? " doctor" : " doctors") << " for "
        << office->name << " (" << office->designated_body << ")"
        << (o.list.empty() ? "" : ", list " + o.list) << "; " << read_only << " read-only\n";
    out.flush();
    return kRevalOk;
}

}  // namespace casegate::reval
