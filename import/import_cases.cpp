#include "import/import_cases.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <ostream>
#include <regex>
#include <set>

#include "common/clock.hpp"
#include "forms/form.hpp"
#include "forms/normalise.hpp"
#include "import/employers.hpp"
#include "intake/item_codec.hpp"
#include "storage/cases.hpp"
#include "storage/digest.hpp"
#include "storage/imports.hpp"
#include "util/strings.hpp"

namespace casegate::import {

const std::vector<std::string> kRelaxed = {"terms_accepted", "referrer_email", "referrer_role",
                                           "details"};

namespace {

struct ColumnName {
    CaseColumn column;
    std::string_view key;  ///< as export writes it
    std::vector<std::string_view> names;
};

const std::vector<ColumnName>& case_columns() {
    static const std::vector<ColumnName> c = {
        {CaseColumn::reference,
         "reference",
         {"reference", "ref", "case reference", "case ref", "case number", "case no", "case id"}},
        {CaseColumn::status, "status", {"status", "case status"}},
        {CaseColumn::case_manager, "case_manager", {"case manager", "manager", "assigned to"}},
        {CaseColumn::outcome, "outcome", {"outcome", "case outcome"}},
        {CaseColumn::received,
         "received",
         {"received", "date received", "created", "created at", "date opened", "opened",
          "date referred", "referral date", "date of referral"}},
        {CaseColumn::closed, "closed", {"closed", "date closed", "closed date", "closed at"}},
        {CaseColumn::notes, "notes", {"notes", "note", "comments", "case notes"}},
        {CaseColumn::employer_code,
         "employer_code",
         {"employer code", "ods code", "trust code"}},
        {CaseColumn::source_reference, "source_reference", {"source reference"}},
        {CaseColumn::ignore, "ignore", {"ignore"}},
    };
    return c;
}

// "case_manager", "Case manager:", "CASE-MANAGER" alike.
std::string plain(std::string_view s) {
    std::string u(s);
    std::replace(u.begin(), u.end(), '_', ' ');
    return forms::normalise_label(u);
}

}  // namespace

Target target_of(const std::string& header) {
    const std::string wanted = plain(header);
    for (const forms::FieldDef& f : forms::referral_form())
        if (plain(f.key) == wanted) return Target{std::string(f.key), CaseColumn::ignore, true};
    if (const forms::FieldDef* f = forms::find_field_by_label(header)) {
        return Target{std::string(f->key), CaseColumn::ignore, true};
    }
    for (const ColumnName& c : case_columns()) {
        if (plain(c.key) == wanted) return Target{"", c.column, true};
        for (std::string_view n : c.names)
            if (plain(n) == wanted) return Target{"", c.column, true};
    }
    return {};
}

namespace {

const std::regex& cg_reference() {
    static const std::regex re("^CG-[0-9]{4}-[0-9]{6,}$");
    return re;
}

// A status as an office may have written it.
std::optional<workflow::CaseStatus> case_status_of(std::string_view written) {
    const std::string w = plain(written);
    using S = workflow::CaseStatus;
    static const std::vector<std::pair<std::string_view, S>> names = {
        {"submitted", S::submitted},   {"new", S::submitted},
        {"accepted", S::accepted},     {"open", S::accepted},
        {"returned", S::returned},     {"under review", S::under_review},
        {"in progress", S::under_review}, {"ongoing", S::under_review},
        {"closed", S::closed},         {"complete", S::closed},
        {"completed", S::closed},      {"resolved", S::closed},
        {"archived", S::archived},
    };
    for (const auto& [n, s] : names)  // written as plain() leaves them
        if (n == w) return s;
    return std::nullopt;
}

// One checked row, ready to write.
struct Checked {
    int line = 0;
    storage::ImportedCase c;
    std::string summary;
};

class Importer {
  public:
    Importer(storage::Db& db, const common::Config& cfg, const ImportOptions& o, ImportReport& r)
        : db_(db), cfg_(cfg), o_(o), r_(r), today_(common::local_today()) {}

    // Maps the header; false (with the file's problems) when a column is unknown or doubled.
    bool map_header(const CsvRecord& header) {
        std::map<std::string, std::string> seen;  // target -> header
        for (const std::string& h : header.cells) {
            const auto m = std::find_if(o_.mapping.begin(), o_.mapping.end(), [&](const auto& p) {
                return plain(p.first) == plain(h);
            });
            const bool mapped = m != o_.mapping.end();
            const Target t = target_of(mapped ? m->second : h);
            if (!t.known && mapped) {
                r_.problems.push_back("the mapping gives column '" + h + "' to '" + m->second +
                                      "', which is neither a form key nor a case column");
            } else if (!t.known) {
                r_.problems.push_back("column '" + h +
                                      "' is not a field of the form nor a case column: map it "
                                      "in a mapping file (to a key, or to \"ignore\")");
            }
            if (t.used()) {
                const std::string name = t.field.empty() ? column_key(t.column) : t.field;
                const auto [it, added] = seen.emplace(name, h);
                if (!added) {
                    r_.problems.push_back("columns '" + it->second + "' and '" + h +
                                          "' are both " + name);
                }
            }
            targets_.push_back(t);
        }
        if (!seen.count("received")) {
            r_.problems.push_back(
                "no column gives the date each case was received (e.g. 'Date received')");
        }
        return r_.problems.empty();
    }

    // Checks one row; nullopt (with its errors reported) when it cannot be imported.
    std::optional<Checked> check(const CsvRecord& row) {
        forms::RawFields raw;
        Checked out;
        out.line = row.line;
        storage::ImportedCase& ic = out.c;
        std::map<CaseColumn, std::string> cols;
        std::size_t errors_before = r_.errors.size();
        const auto error = [&](const std::string& field, const std::string& message) {
            r_.errors.push_back({row.line, field, message});
        };
        for (std::size_t i = 0; i < row.cells.size(); ++i) {
            const std::string value(util::trim(row.cells[i]));
            if (i >= targets_.size()) {
                if (!value.empty()) error("", "more cells than the header has columns");
                continue;
            }
            if (!targets_[i].used() || value.empty()) continue;
            if (!targets_[i].field.empty()) {
                raw.emplace_back(targets_[i].field, value);
            } else {
                cols[targets_[i].column] = value;
            }
        }
        if (const std::string* office = forms::last_given(raw, "local_office")) {
            const forms::FieldDef* f = forms::find_field("local_office");
            const forms::Normalised n = forms::normalise_choice(*office, *f);
            if (n.ok() && std::get<std::string>(n.value) != o_.office)
                error("local_office", "'" + *office + "' is not " + o_.office +
                                          ", the office this import is for");
        }
        forms::ValidateContext ctx;
        ctx.today = today_;
        const forms::Referral ref = forms::validate(raw, ctx);
        for (const forms::FieldError& e : ref.errors) {
            // A historical record's declaration is not the referrer's: "no" is kept as no.
            if (e.field != "terms_accepted") error(e.field, e.message);
        }
        for (const std::string& m : ref.missing) {
            if (std::find(kRelaxed.begin(), kRelaxed.end(), m) == kRelaxed.end())
                error(m, "is required");
        }
        ic.c = intake::case_row(ref, o_.office);
        ic.fields_json = intake::fields_json(ref);
        // The case's own columns.
        const auto date = [&](CaseColumn c, const char* name) -> std::optional<std::string> {
            const auto it = cols.find(c);
            if (it == cols.end()) return std::nullopt;
            const forms::Normalised n = forms::normalise_date(it->second, today_);
            if (!n.ok()) {
                error(name, n.error);
                return std::nullopt;
            }
            return std::get<std::string>(n.value);
        };
        const std::optional<std::string> received = date(CaseColumn::received, "received");
        if (!received && !cols.count(CaseColumn::received)) error("received", "is required");
        ic.received = received.value_or("");
        ic.closed = date(CaseColumn::closed, "closed");
        if (ic.closed && received && *ic.closed < *received)
            error("closed", "is before the date received (" + *received + ")");
        ic.c.status = ic.closed ? workflow::CaseStatus::closed : workflow::CaseStatus::accepted;
        if (const auto it = cols.find(CaseColumn::status); it != cols.end()) {
            if (const auto s = case_status_of(it->second)) {
                ic.c.status = *s;
            } else {
                error("status", "'" + it->second +
                                    "' is not a status (submitted, accepted, returned, under "
                                    "review, closed, archived)");
            }
        }
        const bool ended = ic.c.status == workflow::CaseStatus::closed ||
                           ic.c.status == workflow::CaseStatus::archived;
        if (ic.closed && !ended)
            error("closed", "a closed date for a case whose status is not closed or archived");
        const auto text = [&](CaseColumn c) -> std::optional<std::string> {
            const auto it = cols.find(c);
            return it == cols.end() ? std::nullopt : std::optional<std::string>(it->second);
        };
        ic.outcome = text(CaseColumn::outcome);
        ic.case_manager = staff_email(text(CaseColumn::case_manager));
        ic.notes = text(CaseColumn::notes);
        ic.source_reference = text(CaseColumn::source_reference);
        if (const auto given = text(CaseColumn::reference)) {
            if (std::regex_match(*given, cg_reference())) {
                ic.reference = *given;
            } else if (!ic.source_reference) {
                ic.source_reference = given;
            }
        }
        if (r_.errors.size() > errors_before) return std::nullopt;
        // The employer: the code given, else as written, matched to the office's list.
        if (const auto code = text(CaseColumn::employer_code); code && list_) {
            if (const Employer* e = list_->by_code(*code)) {
                ic.c.employer_code = e->code;
                ic.c.employer_name = e->name;
            }
        }
        if (ic.c.employer && !ic.c.employer_code) {
            // Each name written once asked of the list and the aliases: a sheet repeats them.
            auto known = employers_.find(*ic.c.employer);
            if (known == employers_.end()) {
                known = employers_
                            .emplace(*ic.c.employer,
                                     match_employer(db_, cfg_, o_.office, *ic.c.employer))
                            .first;
            }
            const EmployerMatch& m = known->second;
            ic.c.employer_code = m.code;
            ic.c.employer_name = m.name;
            if (!m.code) ++r_.unmatched_employers[*ic.c.employer];
        }
        ic.key = row_key(row);
        out.summary = "received " + ic.received + ", " +
                      std::string(workflow::to_string(ic.c.status)) + ", " + ic.c.concern_route +
                      " / " + ic.c.concern_type + ", employer " +
                      ic.c.employer_code.value_or(ic.c.employer ? "not on the list" : "none");
        return out;
    }

    void set_list(std::shared_ptr<const EmployerList> l) { list_ = std::move(l); }

  private:
    static std::string column_key(CaseColumn c) {
        for (const ColumnName& n : case_columns())
            if (n.column == c) return std::string(n.key);
        return "ignore";
    }

    // The office's member of staff named (by email or name) as its case manager, by email; as
    // written otherwise.
    std::optional<std::string> staff_email(const std::optional<std::string>& written) const {
        if (!written) return std::nullopt;
        if (const common::OfficeConfig* o = cfg_.office(o_.office)) {
            for (const common::StaffConfig& s : o->staff) {
                if (util::iequals(s.email, *written) || util::iequals(s.name, *written))
                    return s.email;
            }
        }
        return written;
    }

    // The office and the row's content: the same row imported again is found by it.
    std::string row_key(const CsvRecord& row) const {
        std::string joined = o_.office;
        for (std::size_t i = 0; i < row.cells.size() && i < targets_.size(); ++i) {
            if (!targets_[i].used()) continue;
            joined += '\x1f';
            joined += util::trim(row.cells[i]);
        }
        return storage::to_hex(storage::sha256(joined));
    }

    storage::Db& db_;
    const common::Config& cfg_;
    const ImportOptions& o_;
    ImportReport& r_;
    std::string today_;
    std::vector<Target> targets_;
    std::map<std::string, EmployerMatch, std::less<>> employers_;  ///< as written -> match
    std::shared_ptr<const EmployerList> list_;
};

}  // namespace

int rejected_rows(const ImportReport& r) {
    std::set<int> lines;
    for (const RowError& e : r.errors) lines.insert(e.line);
    return static_cast<int>(lines.size());
}

ImportReport import_cases(storage::Db& db, const common::Config& cfg, std::string_view bytes,
                          const ImportOptions& o, const Progress& progress) {
    ImportReport r;
    r.file_sha256 = storage::to_hex(storage::sha256(bytes));
    const CsvTable t = parse_csv(bytes);
    r.encoding = t.encoding;
    r.separator = t.separator;
    if (t.records.empty()) {
        r.problems.push_back("the file has no header row");
        return r;
    }
    Importer importer(db, cfg, o, r);
    importer.set_list(employer_list(cfg, o.office));
    if (!importer.map_header(t.records.front())) return r;
    r.rows = static_cast<int>(t.records.size()) - 1;

    // In batches: check, find what an earlier run imported, write (one transaction and one
    // round trip each), so that memory holds the file and one batch.
    std::set<std::string> seen;        // row keys of this file so far
    std::set<std::string> references;  // CG references kept so far
    for (std::size_t at = 1; at < t.records.size(); at += o.batch) {
        const std::size_t end = std::min(t.records.size(), at + o.batch);
        std::vector<Checked> ok;
        ok.reserve(end - at);
        for (std::size_t i = at; i < end; ++i) {
            std::optional<Checked> c = importer.check(t.records[i]);
            if (!c) continue;
            if (!seen.insert(c->c.key).second) {
                ++r.repeated;
                continue;
            }
            ok.push_back(std::move(*c));
        }
        std::vector<std::string> keys, refs;
        keys.reserve(ok.size());
        for (const Checked& c : ok) {
            keys.push_back(c.c.key);
            if (!c.c.reference.empty()) refs.push_back(c.c.reference);
        }
        const std::set<std::string> done = storage::imported_keys(db, keys);
        const std::set<std::string> taken = storage::taken_references(db, refs);
        std::vector<const Checked*> todo;
        todo.reserve(ok.size());
        for (Checked& c : ok) {
            if (done.count(c.c.key)) {
                ++r.already;
                continue;
            }
            if (!c.c.reference.empty() &&
                (taken.count(c.c.reference) || !references.insert(c.c.reference).second)) {
                if (!c.c.source_reference) c.c.source_reference = c.c.reference;
                c.c.reference.clear();
            }
            if (o.dry_run) {
                r.planned.push_back({c.line, c.summary});
            } else {
                todo.push_back(&c);
            }
        }
        if (!todo.empty()) {
            if (r.import_id == 0) {
                storage::Transaction tx(db);
                r.import_id =
                    storage::start_import(db, o.office, o.file_name, r.file_sha256, o.by);
                tx.commit();
            }
            storage::Transaction tx(db);
            for (const Checked* c : todo)
                storage::queue_imported_case(db, r.import_id, c->c, o.by);
            tx.commit();
            r.created += static_cast<int>(todo.size());
        }
        if (progress && !o.dry_run) progress(static_cast<int>(end - 1), r.rows);
    }
    if (o.dry_run) return r;
    // Audited whatever came of it; recorded as an import when it wrote something.
    storage::Transaction tx(db);
    const int rejected = rejected_rows(r);
    if (r.import_id)
        storage::finish_import(db, r.import_id, r.rows, r.created, r.already, rejected);
    const nlohmann::json details = {{"import", r.import_id},     {"file", o.file_name},
                                    {"sha256", r.file_sha256},   {"office", o.office},
                                    {"rows", r.rows},            {"created", r.created},
                                    {"already", r.already},      {"rejected", rejected},
                                    {"repeated", r.repeated}};
    storage::audit(db, o.by, "cases.imported", std::nullopt, std::nullopt, details.dump());
    tx.commit();
    return r;
}

void export_cases_csv(storage::Db& db, const std::string& office, std::ostream& out) {
    std::vector<std::string> header;
    for (const forms::FieldDef& f : forms::referral_form()) header.emplace_back(f.key);
    for (const char* c : {"reference", "status", "received", "closed", "outcome", "case_manager",
                          "employer_code", "source_reference", "notes"})
        header.emplace_back(c);
    out << csv_line(header);
    for (const storage::ExportedCase& c : storage::export_cases(db, office)) {
        const nlohmann::json f = nlohmann::json::parse(c.fields_json);
        std::vector<std::string> cells;
        cells.reserve(header.size());
        for (const forms::FieldDef& d : forms::referral_form()) {
            const auto it = f.find(d.key);
            if (it == f.end()) {
                cells.emplace_back();
            } else if (it->is_boolean()) {
                cells.emplace_back(it->get<bool>() ? "yes" : "no");
            } else if (it->is_array()) {
                std::string joined;
                for (const auto& v : *it) {
                    if (!joined.empty()) joined += "; ";
                    joined += v.get<std::string>();
                }
                cells.push_back(joined);
            } else {
                cells.push_back(it->get<std::string>());
            }
        }
        for (const std::string* s : {&c.reference, &c.status, &c.received, &c.closed, &c.outcome,
                                     &c.case_manager, &c.employer_code, &c.source_reference,
                                     &c.notes})
            cells.push_back(*s);
        out << csv_line(cells);
    }
}

}  // namespace casegate::import
