// `casegate reval list|add|remove|hide|unhide|flag|unflag`: the words an operator typed, made
// into options. Arguments come from a shell and are checked, not trusted: an unknown option, a
// bad date or a missing --as is a usage error (exit 2) before the database is touched.
#include <algorithm>

#include "common/clock.hpp"
#include "reval/admin.hpp"
#include "reval/admin_detail.hpp"

namespace casegate::reval {

using namespace detail;

bool is_reval_admin_command(const std::string& word) {
    return word == "list" || std::find(kActions.begin(), kActions.end(), word) != kActions.end();
}

int reval_admin_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.empty() || !is_reval_admin_command(args[0])) {
        err << "casegate reval: a subcommand is required\n" << kUsage;
        return kRevalUsage;
    }
    const std::string& sub = args[0];
    std::string config = common::kDefaultConfigPath, until;
    ListOptions lo;
    ActionOptions ao;
    ao.action = sub;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        const bool has_value = i + 1 < args.size();
        auto value = [&](std::string& target) {
            if (!has_value) return false;
            target = args[++i];
            return true;
        };
        bool ok = true;
        if (a == "--config")
            ok = value(config);
        else if (a == "--office")
            ok = value(sub == "list" ? lo.office : ao.office);
        else if (a == "--list" && sub == "list")
            ok = value(lo.list);
        else if (a == "--json" && sub == "list")
            lo.json = true;
        else if (a == "--reason" && sub != "list")
            ok = value(ao.reason);
        else if (a == "--note" && sub != "list")
            ok = value(ao.note);
        else if (a == "--as" && sub != "list")
            ok = value(ao.as);
        else if (a == "--until" && sub != "list")
            ok = value(until);
        else if (a == "--confirm-db" && sub != "list")
            ao.confirm_designated_body = true;
        else if (a.rfind("--", 0) != 0 && sub != "list" && ao.doctor.empty()) {
            ao.doctor = a;
            ao.doctor.erase(0, ao.doctor.find_first_not_of(" \t"));
            ao.doctor.erase(ao.doctor.find_last_not_of(" \t") + 1);
        } else {
            err << "casegate reval " << sub << ": unknown argument '" << a << "'\n" << kUsage;
            return kRevalUsage;
        }
        if (!ok) {
            err << "casegate reval " << sub << ": " << a << " needs a value\n" << kUsage;
            return kRevalUsage;
        }
    }
    if (!until.empty()) {
        ao.until = rv::Date::parse(until);
        if (!ao.until) {
            err << "casegate reval " << sub << ": --until: expected a date YYYY-MM-DD, got '"
                << until << "'\n";
            return kRevalUsage;
        }
    }
    if (sub == "list" && lo.office.empty()) {
        err << "casegate reval list: --office is required\n" << kUsage;
        return kRevalUsage;
    }
    const auto today = rv::Date::parse(common::local_today());
    if (!today) {
        err << "casegate reval: cannot read today's date\n";
        return kRevalFailed;
    }
    if (sub != "list") {
        if (const std::string problem = usage_problem(ao, *today); !problem.empty()) {
            err << "casegate reval " << sub << ": " << problem << "\n" << kUsage;
            return kRevalUsage;
        }
    }
    try {
        const common::Config cfg = common::load_config(config);
        storage::Db db(cfg.database_conninfo);
        if (sub == "list") return reval_list(cfg, db, lo, out, err);
        return reval_act(cfg, db, ao, *today, out, err);
    } catch (const common::ConfigError& e) {
        err << config << ": " << e.what() << "\n";
        return kRevalFailed;
    } catch (const std::exception& e) {
        err << "casegate reval " << sub << ": " << e.what() << "\n";
        return kRevalFailed;
    }
}

}  // namespace casegate::reval
