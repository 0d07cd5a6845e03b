// `casegate cases …`: the words an operator typed, made into a call of the case service.
// Arguments come from a shell and are checked, not trusted: an unknown option, a missing --as
// or a bad date is a usage error (exit 2) before the database is touched. Refusals (exit 1)
// print the rule's reason; a case the member of staff may not see is "no such case".
#include "cases/cli.hpp"
#include "cases/outgoing.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include "cases/print.hpp"
#include "cases/service.hpp"
#include "common/config.hpp"
#include "common/files.hpp"
#include "revalidation/model.hpp"

namespace casegate::cases {

const char* const kCasesUsageText =
    "usage: casegate cases list [--status S[,S…]] [--office O] [--route R] [--type T]\n"
    "           [--employer E] [--case-manager EMAIL] [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n"
    "           [--search TEXT] [--archived] [--json|--csv] --as EMAIL [--config FILE]\n"
    "       casegate cases show|audit REF [--json] --as EMAIL [--config FILE]\n"
    "       casegate cases accept|review|archive|reopen REF --as EMAIL [--config FILE]\n"
    "       casegate cases return REF --reason TEXT --as EMAIL [--config FILE]\n"
    "       casegate cases assign REF STAFF_EMAIL --as EMAIL [--config FILE]\n"
    "       casegate cases triage REF (--support VALUE… | --school-level) --as EMAIL\n"
    "       casegate cases meeting REF YYYY-MM-DD --as EMAIL [--config FILE]\n"
    "       casegate cases engagement REF yes|no --as EMAIL [--config FILE]\n"
    "       casegate cases plan|outcome|note REF TEXT --as EMAIL [--config FILE]\n"
    "       casegate cases close REF --outcome TEXT --as EMAIL [--config FILE]\n"
    "       casegate cases attach REF FILE --as EMAIL [--config FILE]\n";

namespace {

using workflow::Change;

struct Args {
    std::string sub;
    std::string config = common::kDefaultConfigPath;
    std::string as;
    std::vector<std::string> words;             ///< positional: REF, then the change's argument
    std::map<std::string, std::string> values;  ///< --option VALUE
    std::vector<std::string> statuses, support;
    bool json = false, csv = false, archived = false, school_level = false;
};

// The options each subcommand takes besides --as and --config.
bool takes(const std::string& sub, const std::string& option) {
    static const std::map<std::string, std::vector<std::string>> options = {
        {"list",
         {"--status", "--office", "--route", "--type", "--employer", "--case-manager", "--from",
          "--to", "--search", "--archived", "--json", "--csv"}},
        {"show", {"--json"}},
        {"audit", {"--json"}},
        {"return", {"--reason"}},
        {"triage", {"--support", "--school-level"}},
        {"close", {"--outcome"}},
    };
    const auto it = options.find(sub);
    return it != options.end() &&
           std::find(it->second.begin(), it->second.end(), option) != it->second.end();
}

bool is_subcommand(const std::string& word) {
    return word == "list" || word == "show" || word == "audit" ||
           workflow::change_from(word).has_value();
}

// How many positional words a subcommand takes after REF (-1: any number, joined as text).
int arguments_after_reference(Change c) {
    switch (c) {
        case Change::assign:
        case Change::meeting:
        case Change::engagement:
        case Change::attach:
            return 1;
        case Change::plan:
        case Change::outcome:
        case Change::note:
            return -1;
        default:
            return 0;
    }
}

int usage(const std::string& sub, const std::string& problem, std::ostream& err) {
    err << "casegate cases" << (sub.empty() ? "" : " " + sub) << ": " << problem << "\n"
        << kCasesUsageText;
    return kCasesUsage;
}

std::vector<std::string> split_commas(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        const std::size_t end = std::min(s.find(',', start), s.size());
        if (end > start) out.push_back(s.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

// Reads the words into `a`; returns "" or what is wrong.
std::string parse(const std::vector<std::string>& args, Args& a) {
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& w = args[i];
        const bool has_value = i + 1 < args.size();
        if (w.rfind("--", 0) != 0) {
            a.words.push_back(w);
            continue;
        }
        if (w == "--config" || w == "--as") {
            if (!has_value) return w + " needs a value";
            (w == "--config" ? a.config : a.as) = args[++i];
            continue;
        }
        if (!takes(a.sub, w)) return "unknown argument '" + w + "'";
        if (w == "--json") {
            a.json = true;
        } else if (w == "--csv") {
            a.csv = true;
        } else if (w == "--archived") {
            a.archived = true;
        } else if (w == "--school-level") {
            a.school_level = true;
        } else if (w == "--support") {
            // One or more values, up to the next option.
            const std::size_t first = i + 1;
            while (i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0)
                a.support.push_back(args[++i]);
            if (i + 1 == first) return "--support needs a value";
        } else if (!has_value) {
            return w + " needs a value";
        } else if (w == "--status") {
            for (const std::string& s : split_commas(args[++i])) a.statuses.push_back(s);
        } else {
            a.values[w] = args[++i];
        }
    }
    return {};
}

std::string value(const Args& a, const std::string& option) {
    const auto it = a.values.find(option);
    return it == a.values.end() ? std::string() : it->second;
}

// The change's argument from the words and options, or a usage problem.
std::string detail_of(const Args& a, Change c, std::string& detail) {
    const std::vector<std::string> rest(a.words.begin() + 1, a.words.end());
    const int wanted = arguments_after_reference(c);
    if (wanted >= 0 && static_cast<int>(rest.size()) != wanted) {
        return wanted == 0 ? "unexpected argument '" + rest.front() + "'"
                           : "expected REF and one argument";
    }
    switch (c) {
        case Change::return_:
            detail = value(a, "--reason");
            if (detail.empty()) return "--reason is required";
            break;
        case Change::close:
            detail = value(a, "--outcome");
            if (detail.empty()) return "--outcome is required";
            break;
        case Change::triage:
            if (a.school_level == !a.support.empty())
                return "give either --support VALUE… or --school-level";
            if (a.school_level) {
                detail = "returned to school level";
            } else {
                for (const std::string& s : a.support) detail += (detail.empty() ? "" : ", ") + s;
            }
            break;
        case Change::meeting:
            if (!revalidation::Date::parse(rest[0]))
                return "expected the meeting's date as YYYY-MM-DD, got '" + rest[0] + "'";
            detail = rest[0];
            break;
        case Change::engagement:
            if (rest[0] != "yes" && rest[0] != "no")
                return "engagement is yes (engaged) or no (not engaged), not '" + rest[0] + "'";
            detail = rest[0] == "yes" ? "engaged" : "not engaged";
            break;
        case Change::plan:
        case Change::outcome:
        case Change::note:
            for (const std::string& w : rest) detail += (detail.empty() ? "" : " ") + w;
            if (detail.empty()) return "the text is required";
            break;
        case Change::assign:
        case Change::attach:
            detail = rest[0];
            break;
        default:
            break;
    }
    return {};
}

storage::CaseFilter filter_of(const Args& a) {
    storage::CaseFilter f;
    f.office = value(a, "--office");
    if (const std::string cm = value(a, "--case-manager"); !cm.empty()) f.case_manager = cm;
    f.statuses = a.statuses;
    f.route = value(a, "--route");
    f.type = value(a, "--type");
    f.employer = value(a, "--employer");
    f.search = value(a, "--search");
    f.created_from = value(a, "--from");
    f.created_to = value(a, "--to");
    f.include_archived = a.archived || std::find(a.statuses.begin(), a.statuses.end(),
                                                 "archived") != a.statuses.end();
    return f;
}

std::string list_problem(const Args& a) {
    if (!a.words.empty()) return "unexpected argument '" + a.words.front() + "'";
    if (a.json && a.csv) return "give --json or --csv, not both";
    for (const std::string& s : a.statuses) {
        if (!workflow::case_status_from(s)) return "unknown status '" + s + "'";
    }
    for (const char* option : {"--from", "--to"}) {
        const std::string d = value(a, option);
        if (!d.empty() && !revalidation::Date::parse(d))
            return std::string(option) + ": expected a date YYYY-MM-DD, got '" + d + "'";
    }
    return {};
}

int run_list(storage::Db& db, const common::Config& cfg, const Args& a, std::ostream& out) {
    const std::vector<storage::StoredCase> rows = list(db, cfg, a.as, filter_of(a));
    if (a.json) {
        for (const storage::StoredCase& c : rows) out << print::line(print::case_json(c)) << "\n";
    } else if (a.csv) {
        print::csv_record(print::list_keys(), out);
        for (const storage::StoredCase& c : rows) print::csv_record(print::case_cells(c), out);
    } else {
        std::vector<std::vector<std::string>> table{{"REFERENCE", "STATUS", "CREATED", "ROUTE",
                                                     "TYPE", "DOCTOR", "GMC", "EMPLOYER",
                                                     "CASE MANAGER"}};
        for (const storage::StoredCase& c : rows) {
            table.push_back({c.reference, std::string(workflow::to_string(c.status)),
                             c.created_at.substr(0, 10), c.concern_route, c.concern_type,
                             c.trainee_name, c.gmc_number, c.employer.value_or("-"),
                             c.case_manager.value_or("-")});
        }
        print::table(table, out);
        out << rows.size() << (rows.size() == 1 ? " case\n" : " cases\n");
    }
    return kCasesOk;
}

int run_change(storage::Db& db, const common::Config& cfg, const Args& a, Change c,
               const std::string& detail, std::ostream& out, std::ostream& err) {
    Outcome o;
    if (c == Change::attach) {
        const std::optional<std::string> bytes = common::read_file(detail);
        if (!bytes) {
            err << "casegate cases attach: " << detail << ": cannot read: " << std::strerror(errno)
                << "\n";
            return kCasesFailed;
        }
        const std::size_t slash = detail.find_last_of('/');
        o = attach(db, cfg, a.as, a.words[0],
                   {slash == std::string::npos ? detail : detail.substr(slash + 1), *bytes});
    } else {
        o = apply(db, cfg, a.as, a.words[0], c, detail);
    }
    if (!o.done) {
        err << "casegate cases " << a.sub << ": " << o.reference << ": " << o.refusal;
        if (o.refusal != "no such case" && !o.rule.empty()) err << " (rule: " << o.rule << ")";
        err << "\n";
        return kCasesRefused;
    }
    print::outcome_text(o, out);
    return kCasesOk;
}

}  // namespace

int cases_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.empty() || !is_subcommand(args[0])) {
        return usage(
            "", args.empty() ? "a subcommand is required" : "unknown subcommand '" + args[0] + "'",
            err);
    }
    Args a;
    a.sub = args[0];
    if (const std::string problem = parse(args, a); !problem.empty())
        return usage(a.sub, problem, err);
    if (a.as.empty()) return usage(a.sub, "--as EMAIL is required", err);
    const std::optional<Change> change = workflow::change_from(a.sub);
    std::string detail;
    if (a.sub == "list") {
        if (const std::string problem = list_problem(a); !problem.empty())
            return usage(a.sub, problem, err);
    } else {
        if (a.words.empty()) return usage(a.sub, "a case reference is required", err);
        if (!change && a.words.size() > 1)
            return usage(a.sub, "unexpected argument '" + a.words[1] + "'", err);
        if (change) {
            if (const std::string problem = detail_of(a, *change, detail); !problem.empty())
                return usage(a.sub, problem, err);
        }
    }
    try {
        const common::Config cfg = common::load_config(a.config);
        use_texts(cfg);
        if (!find_staff(cfg, a.as)) {
            err << "casegate cases " << a.sub << ": '" << a.as << "' " << kUnknownStaff << "\n";
            return kCasesRefused;
        }
        storage::Db db(cfg.database_conninfo);
        if (a.sub == "list") return run_list(db, cfg, a, out);
        if (a.sub == "show") {
            const CaseView v = show(db, cfg, a.as, a.words[0]);
            if (!v.found) {
                err << "casegate cases show: " << a.words[0] << ": " << v.refusal << "\n";
                return kCasesRefused;
            }
            if (a.json) {
                out << print::line(print::show_json(v)) << "\n";
            } else {
                print::show_text(v, out);
            }
            return kCasesOk;
        }
        if (a.sub == "audit") {
            const AuditView v = audit_trail(db, cfg, a.as, a.words[0]);
            if (!v.found) {
                err << "casegate cases audit: " << a.words[0] << ": " << v.refusal << "\n";
                return kCasesRefused;
            }
            if (a.json) {
                print::audit_json(v, out);
            } else {
                print::audit_text(v, out);
            }
            return kCasesOk;
        }
        return run_change(db, cfg, a, *change, detail, out, err);
    } catch (const common::ConfigError& e) {
        err << a.config << ": " << e.what() << "\n";
        return kCasesFailed;
    } catch (const std::exception& e) {
        err << "casegate cases " << a.sub << ": " << e.what() << "\n";
        return kCasesFailed;
    }
}

}  // namespace casegate::cases
