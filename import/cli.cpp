// `casegate import-cases`, `casegate employers list|map` and `casegate cases export`: an
// office's admins bring their spreadsheet in, map the employers written in ways the list does
// not know, and take their cases out in the layout the import reads. Arguments come from a
// shell and are checked: usage errors exit 2, refusals and rejected rows 1, the configuration,
// the file or the database 3.
#include "import/cli.hpp"

#include <unistd.h>

#include <iomanip>
#include <nlohmann/json.hpp>
#include <map>
#include <sstream>
#include <toml.hpp>

#include "cases/service.hpp"
#include "common/config.hpp"
#include "common/files.hpp"
#include "import/employers.hpp"
#include "import/import_cases.hpp"
#include "storage/cases.hpp"
#include "storage/imports.hpp"
#include "storage/migrations.hpp"
#include "util/strings.hpp"

namespace casegate::import {

const char* const kImportUsageText =
    "usage: casegate import-cases FILE.csv --office OFFICE --as EMAIL [--dry-run]\n"
    "           [--mapping FILE.toml] [--config FILE]\n"
    "       casegate employers list --office OFFICE --as EMAIL [--unmatched] [--config FILE]\n"
    "       casegate employers map \"WRITTEN NAME\" CODE --office OFFICE --as EMAIL\n"
    "           [--config FILE]\n"
    "       casegate cases export --office OFFICE --csv --as EMAIL [--config FILE]\n";

namespace {

constexpr int kOk = 0;
constexpr int kRefused = 1;
constexpr int kUsage = 2;
constexpr int kFailed = 3;

struct Args {
    std::string config = common::kDefaultConfigPath;
    std::string as, office, mapping;
    std::vector<std::string> words;
    bool dry_run = false, unmatched = false, csv = false;
};

std::string parse(const std::vector<std::string>& args, const std::vector<std::string>& flags,
                  Args& a) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& w = args[i];
        const bool value = i + 1 < args.size();
        const auto allowed = [&](const char* f) {
            return std::find(flags.begin(), flags.end(), f) != flags.end();
        };
        if (w == "--config" && value) {
            a.config = args[++i];
        } else if (w == "--as" && value) {
            a.as = args[++i];
        } else if (w == "--office" && value) {
            a.office = args[++i];
        } else if (w == "--mapping" && value && allowed("--mapping")) {
            a.mapping = args[++i];
        } else if (w == "--dry-run" && allowed("--dry-run")) {
            a.dry_run = true;
        } else if (w == "--unmatched" && allowed("--unmatched")) {
            a.unmatched = true;
        } else if (w == "--csv" && allowed("--csv")) {
            a.csv = true;
        } else if (w.starts_with("--")) {
            return "unknown option '" + w + "'";
        } else {
            a.words.push_back(w);
        }
    }
    if (a.office.empty()) return "--office OFFICE is needed";
    if (a.as.empty()) return "--as EMAIL is needed (an admin of the office)";
    return {};
}

int usage(std::ostream& err, const std::string& why) {
    err << "casegate: " << why << "\n" << kImportUsageText;
    return kUsage;
}

// The office as configured, and the member of staff as configured when they are its admin;
// "" with `why` set otherwise.
std::string office_admin(const common::Config& cfg, Args& a, std::string& why) {
    const common::OfficeConfig* office = nullptr;
    for (const common::OfficeConfig& o : cfg.offices) {
        if (util::iequals(o.name, a.office)) office = &o;
    }
    if (!office) {
        why = "'" + a.office + "' is not an office of the configuration";
        return {};
    }
    a.office = office->name;
    const std::optional<cases::Staff> s = cases::find_staff(cfg, a.as);
    if (!s || s->role != workflow::Role::admin || s->office != office->name) {
        why = "'" + a.as + "' is not an admin of " + office->name;
        return {};
    }
    return s->email;
}

template <typename F>
int with_office(const std::string& command, Args& a, std::ostream& err, F&& body) {
    try {
        const common::Config cfg = common::load_config(a.config);
        std::string why;
        const std::string admin = office_admin(cfg, a, why);
        if (admin.empty()) {
            err << "casegate " << command << ": " << why << "\n";
            return kRefused;
        }
        storage::Db db(cfg.database_conninfo);
        storage::migrate(db);
        return body(cfg, db, admin);
    } catch (const common::ConfigError& e) {
        err << "casegate " << command << ": bad configuration: " << e.what() << "\n";
    } catch (const storage::DbError& e) {
        err << "casegate " << command << ": database: " << e.what() << "\n";
    } catch (const CsvError& e) {
        err << "casegate " << command << ": " << e.what() << "\n";
    } catch (const std::runtime_error& e) {
        err << "casegate " << command << ": " << e.what() << "\n";
    }
    return kFailed;
}

// header -> key, from a mapping file's [columns] table.
std::map<std::string, std::string> read_mapping(const std::string& path) {
    std::map<std::string, std::string> out;
    if (path.empty()) return out;
    toml::value v;
    try {
        v = toml::parse(path);
    } catch (const std::exception& e) {
        throw std::runtime_error("mapping file " + path + ": " + e.what());
    }
    if (!v.is_table() || !v.contains("columns") || !v.at("columns").is_table())
        throw std::runtime_error("mapping file " + path + ": needs a [columns] table");
    for (const auto& [header, target] : v.at("columns").as_table()) {
        if (!target.is_string())
            throw std::runtime_error("mapping file " + path + ": columns." + header +
                                     " must be a string");
        out[header] = target.as_string().str;
    }
    return out;
}

// A bar on a terminal, a line per batch otherwise.
Progress progress_to(std::ostream& err) {
    const bool tty = ::isatty(STDERR_FILENO) == 1;
    return [&err, tty](int done, int total) {
        if (tty) {
            constexpr int kWidth = 40;
            const int filled = total ? done * kWidth / total : kWidth;
            err << "\rimporting [" << std::string(static_cast<std::size_t>(filled), '#')
                << std::string(static_cast<std::size_t>(kWidth - filled), '.') << "] " << done
                << "/" << total << " rows" << (done == total ? "\n" : "") << std::flush;
        } else {
            err << "imported: " << done << " of " << total << " rows gone through\n";
        }
    };
}

void print_report(const ImportReport& r, const Args& a, const std::string& file,
                  std::ostream& out) {
    const std::string sep = r.separator == ';' ? "';'" : "','";
    out << file << ": " << r.encoding << ", " << sep << " separated, " << r.rows << " rows\n";
    for (const std::string& p : r.problems) out << "problem: " << p << "\n";
    if (!r.problems.empty()) {
        out << "nothing was " << (a.dry_run ? "checked further" : "written") << "\n";
        return;
    }
    for (const RowError& e : r.errors) {
        out << "line " << e.line << ": " << (e.field.empty() ? "" : e.field + ": ") << e.message
            << "\n";
    }
    const int rejected = rejected_rows(r);
    if (rejected) {
        out << rejected << " row" << (rejected == 1 ? "" : "s") << " with errors"
            << (a.dry_run ? " would not be written" : ": nothing of them was written") << "\n";
    }
    if (!r.unmatched_employers.empty()) {
        out << "employers not on " << a.office
            << "'s list (kept as written; casegate employers map \"NAME\" CODE):\n";
        for (const auto& [name, n] : r.unmatched_employers)
            out << "  \"" << name << "\" (" << n << " row" << (n == 1 ? "" : "s") << ")\n";
    }
    if (a.dry_run) {
        for (const PlannedCase& p : r.planned)
            out << "line " << p.line << ": would create a case: " << p.summary << "\n";
        out << "would create " << r.planned.size() << " cases";
    } else {
        out << "created " << r.created << " cases";
        if (r.import_id) out << " (import " << r.import_id << ")";
    }
    out << "; already imported " << r.already << "; repeated rows " << r.repeated
        << "; rows with errors " << rejected << "; no notifications are sent\n";
}

int import_main(std::vector<std::string> args, std::ostream& out, std::ostream& err) {
    Args a;
    if (const std::string why = parse(args, {"--dry-run", "--mapping"}, a); !why.empty())
        return usage(err, why);
    if (a.words.size() != 1) return usage(err, "import-cases needs one FILE.csv");
    const std::string file = a.words[0];
    return with_office("import-cases", a, err, [&](const common::Config& cfg, storage::Db& db,
                                                   const std::string& admin) {
        const std::optional<std::string> bytes = common::read_file(file);
        if (!bytes) {
            err << "casegate import-cases: " << file << ": cannot be read\n";
            return kFailed;
        }
        ImportOptions o;
        o.office = a.office;
        o.by = admin;
        o.file_name = file.substr(file.rfind('/') + 1);
        o.mapping = read_mapping(a.mapping);
        o.dry_run = a.dry_run;
        const ImportReport r = import_cases(db, cfg, *bytes, o, progress_to(err));
        print_report(r, a, file, out);
        return r.problems.empty() && r.errors.empty() ? kOk : kRefused;
    });
}

int employers_main(std::vector<std::string> args, std::ostream& out, std::ostream& err) {
    if (args.empty() || (args[0] != "list" && args[0] != "map"))
        return usage(err, "employers needs list or map");
    const std::string sub = args[0];
    Args a;
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (const std::string why = parse(rest, {"--unmatched"}, a); !why.empty())
        return usage(err, why);
    if (sub == "list" && !a.words.empty()) return usage(err, "employers list takes no words");
    if (sub == "map" && a.words.size() != 2)
        return usage(err, "employers map needs the written name and a code");
    return with_office("employers " + sub, a, err, [&](const common::Config& cfg,
                                                       storage::Db& db, const std::string& admin) {
        const std::shared_ptr<const EmployerList> list = employer_list(cfg, a.office);
        if (!list) {
            err << "casegate employers " << sub << ": " << a.office
                << " has no list of employers (employers_file), or it cannot be read (see the "
                   "log)\n";
            return kRefused;
        }
        if (sub == "list") {
            std::map<std::string, std::int64_t> by_code;
            std::vector<storage::EmployerCount> unmatched;
            for (const storage::EmployerCount& c : storage::employer_counts(db, a.office)) {
                if (c.code.empty()) {
                    unmatched.push_back(c);
                } else {
                    by_code[c.code] += c.cases;
                }
            }
            storage::audit(db, admin, "employers.listed", std::nullopt, std::nullopt, "{}");
            if (!a.unmatched) {
                out << std::left << std::setw(8) << "CODE" << std::setw(8) << "CASES" << "NAME\n";
                for (const Employer& e : list->all()) {
                    out << std::left << std::setw(8) << e.code << std::setw(8) << by_code[e.code]
                        << e.name << "\n";
                }
            }
            out << (unmatched.empty() ? "no employer written outside the list\n"
                                      : "written outside the list (casegate employers map):\n");
            for (const storage::EmployerCount& c : unmatched)
                out << "  \"" << c.name << "\" (" << c.cases << " cases)\n";
            return kOk;
        }
        const std::string& written = a.words[0];
        const Employer* e = list->by_code(a.words[1]);
        if (!e) {
            err << "casegate employers map: '" << a.words[1] << "' is not a code of "
                << a.office << "'s list\n";
            return kRefused;
        }
        const std::string key = employer_key(written);
        if (key.empty()) {
            err << "casegate employers map: the written name is empty\n";
            return kRefused;
        }
        storage::Transaction tx(db);
        storage::save_employer_alias(db, a.office, key, written, {e->code, e->name}, admin);
        std::vector<std::int64_t> ids;
        for (const auto& [id, employer] : storage::unmatched_employers(db, a.office))
            if (employer_key(employer) == key) ids.push_back(id);
        storage::set_case_employer(db, ids, {e->code, e->name});
        storage::audit(db, admin, "employers.mapped", std::nullopt, std::nullopt,
                       nlohmann::json{{"office", a.office},
                                      {"written", written},
                                      {"code", e->code},
                                      {"cases", ids.size()}}
                           .dump());
        tx.commit();
        out << "\"" << written << "\" is " << e->code << " " << e->name << " from now on; "
            << ids.size() << " case" << (ids.size() == 1 ? "" : "s") << " updated\n";
        return kOk;
    });
}

}  // namespace

int import_cases_main(const std::vector<std::string>& args, std::ostream& out,
                      std::ostream& err) {
    return import_main(args, out, err);
}

int employers_cli_main(const std::vector<std::string>& args, std::ostream& out,
                       std::ostream& err) {
    return employers_main(args, out, err);
}

int cases_export_main(const std::vector<std::string>& args, std::ostream& out,
                      std::ostream& err) {
    Args a;
    if (const std::string why = parse(args, {"--csv"}, a); !why.empty()) return usage(err, why);
    if (!a.csv) return usage(err, "cases export writes CSV: give --csv");
    if (!a.words.empty()) return usage(err, "cases export takes no words");
    return with_office("cases export", a, err, [&](const common::Config&, storage::Db& db,
                                                   const std::string& admin) {
        storage::Transaction tx(db);
        std::ostringstream csv;
        export_cases_csv(db, a.office, csv);
        storage::audit(db, admin, "cases.exported", std::nullopt, std::nullopt,
                       nlohmann::json{{"office", a.office}}.dump());
        tx.commit();
        out << csv.str();
        return kOk;
    });
}

}  // namespace casegate::import
