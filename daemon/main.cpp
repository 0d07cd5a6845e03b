// casegate's command line: the daemon and the operator commands (DESIGN.md's contracts).
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cases/cli.hpp"
#include "cases/outgoing.hpp"
#include "cases/purge.hpp"
#include "cases/review.hpp"
#include "common/clock.hpp"
#include "common/config.hpp"
#include "common/config_cli.hpp"
#include "common/files.hpp"
#include "common/log.hpp"
#include "console/console.hpp"
#include "daemon/run.hpp"
#include "forms/form_pdf.hpp"
#include "formsvc/service.hpp"
#include "import/cli.hpp"
#include "import/employers.hpp"
#include "intake/parse_worker.hpp"
#include "ops/ops.hpp"
#include "reval/admin.hpp"
#include "reval/classify_cli.hpp"
#include "storage/migrations.hpp"

using namespace casegate;

namespace {

constexpr const char* kUsage =
    "usage: casegate COMMAND [ARGS]\n"
    "  run [--config FILE] [--once]      run the daemon (--once: one poll, process, send, exit)\n"
    "  console [--config FILE]           serve the staff console ([console] listen)\n"
    "  form-service [--config FILE]      serve the public referral form ([form_service] listen)\n"
    "  check-config [--config FILE] [--program daemon|console|form-service]\n"
    "                                    validate the configuration as that program reads it\n"
    "  config-example                    print the example configuration, made from the table\n"
    "  config-reference [--format markdown|man]\n"
    "                                    print every key: type, default, bounds, reload, help\n"
    "  migrate [--config FILE]           apply database migrations\n"
    "  parse FILE...                     parse .eml/.pdf/.json submissions, print one JSON line "
    "each\n"
    "  form-pdf OUT.pdf [--employers FILE.csv]\n"
    "                                    write the fillable referral form (offering the\n"
    "                                    employers of an ODS list)\n"
    "  reval classify --today YYYY-MM-DD [--tis F] [--gmc F] [--actions F] [--history F]\n"
    "  reval list --office OFFICE [--list discrepancy|connected|review|hidden|historic] [--json]\n"
    "             [--config FILE]         what a local office sees, read-only rows marked\n"
    "  reval add|remove GMC --office OFFICE --reason CODE --as OPERATOR [--note TEXT]\n"
    "             [--confirm-db] [--config FILE]   queue a connection change for GMC Connect\n"
    "  reval hide|unhide|flag|unflag GMC --office OFFICE --reason TEXT --as OPERATOR\n"
    "             [--until YYYY-MM-DD (hide)] [--config FILE]   not sent to GMC\n"
    "  cases list [--status S] [--office O] [--route R] [--type T] [--employer E]\n"
    "             [--case-manager EMAIL] [--from D] [--to D] [--search TEXT] [--archived]\n"
    "             [--json|--csv] --as EMAIL [--config FILE]   the cases you may see\n"
    "  cases show|audit REF [--json] --as EMAIL   a case, or who viewed and changed it\n"
    "  cases accept|review|archive|reopen REF --as EMAIL\n"
    "  cases return REF --reason TEXT --as EMAIL\n"
    "  cases assign REF STAFF_EMAIL --as EMAIL\n"
    "  cases triage REF (--support VALUE...|--school-level) --as EMAIL\n"
    "  cases meeting REF YYYY-MM-DD | engagement REF yes|no --as EMAIL\n"
    "  cases plan|outcome|note REF TEXT --as EMAIL\n"
    "  cases close REF --outcome TEXT --as EMAIL\n"
    "  cases attach REF FILE --as EMAIL   (each cases command takes --config FILE)\n"
    "  cases export --office O --csv --as EMAIL   the office's cases as import-cases reads them\n"
    "  import-cases FILE.csv --office O --as EMAIL [--dry-run] [--mapping FILE.toml]\n"
    "                                    historical cases from a spreadsheet, no notifications\n"
    "  employers list --office O [--unmatched] --as EMAIL   the list, cases per employer\n"
    "  employers map \"WRITTEN NAME\" CODE --office O --as EMAIL   remember it as CODE\n"
    "  review list [--json] --as EMAIL     mail held for review, for an office's admins\n"
    "  review attach ITEM REF --as EMAIL   add a held message to a case as a follow-up\n"
    "  review dismiss ITEM [--reason TEXT] --as EMAIL\n"
    "  review rerun ITEM --as EMAIL        process a set-aside or quarantined item again\n"
    "  items list [--state set_aside|quarantined|duplicate|held] [--limit N] [--json] --as EMAIL\n"
    "             [--config FILE]\n"
    "  items show ITEM [--raw] | retry ITEM | release ITEM --as EMAIL\n"
    "                                    items that became no case; process again; a duplicate\n"
    "                                    as its own message\n"
    "  outbox list [--state pending|failed|sent] [--limit N] [--json] --as EMAIL\n"
    "  outbox resend ID --as EMAIL       send a failed notification again\n"
    "  status [--json] [--config FILE]   sources' last polls, backlog, outbox, revalidation\n"
    "  purge --dry-run|--apply             the retention purge ([retention] retention_days)\n";

int usage_error(const std::string& what) {
    std::cerr << "casegate: " << what << "\n" << kUsage;
    return 2;
}

struct CommonArgs {
    std::string config = common::kDefaultConfigPath;
    bool once = false;
};

bool parse_common(const std::vector<std::string>& args, CommonArgs& out, std::string& error) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--config" && i + 1 < args.size()) {
            out.config = args[++i];
        } else if (args[i].rfind("--config=", 0) == 0) {
            out.config = args[i].substr(9);
        } else if (args[i] == "--once") {
            out.once = true;
        } else {
            error = "unknown argument '" + args[i] + "'";
            return false;
        }
    }
    return true;
}

int cmd_migrate(const CommonArgs& a) {
    try {
        const common::Config c = common::load_config(a.config);
        storage::Db db(c.database_conninfo);
        const int n = storage::migrate(db);
        std::cout << "applied " << n << " migrations; schema version "
                  << storage::schema_version(db) << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "casegate migrate: " << e.what() << "\n";
        return 1;
    }
}

bool ends_with(const std::string& s, const std::string& suffix) {
    if (s.size() < suffix.size()) return false;
    return strcasecmp(s.c_str() + s.size() - suffix.size(), suffix.c_str()) == 0;
}

int cmd_parse(const std::vector<std::string>& files) {
    if (files.empty()) return usage_error("parse needs at least one file");
    const common::Limits limits;
    const std::string today = common::local_today();
    intake::ParsePool pool(intake::kSelfExe, limits);
    int rc = 0;
    for (const auto& f : files) {
        const std::optional<std::string> bytes = common::read_file(f);
        if (!bytes) {
            std::cerr << "casegate parse: " << f << ": cannot read: " << std::strerror(errno)
                      << "\n";
            rc = 2;
            continue;
        }
        const auto kind = ends_with(f, ".json")  ? intake::ItemKind::json
                          : ends_with(f, ".pdf") ? intake::ItemKind::pdf
                                                 : intake::ItemKind::email;
        intake::ParsedItem item = pool.parse(*bytes, kind, today);
        if (item.status != intake::ParseStatus::ok) {
            std::cerr << "casegate parse: " << f << ": " << item.reason << "\n";
            rc = 2;
            item.evaluation = forms::Evaluation{};
            item.evaluation.reason = item.reason;
        }
        std::cout << forms::to_parse_json(f, item.evaluation) << "\n";
    }
    return rc;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::cout << kUsage;
        return args.empty() ? 2 : 0;
    }
    const std::string cmd = args[0];
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (cmd == "parse") return cmd_parse(rest);
    if (common::is_config_command(cmd))
        return common::config_command_main(cmd, rest, std::cout, std::cerr, cases::check_texts);
    if (cmd == "form-pdf") {
        const bool with_list = rest.size() == 3 && rest[1] == "--employers";
        if (rest.size() != 1 && !with_list)
            return usage_error("form-pdf needs one output file (and --employers FILE.csv)");
        try {
            forms::write_form_pdf(rest[0], with_list ? import::EmployerList::load(rest[2]).names()
                                                     : std::vector<std::string>());
            return 0;
        } catch (const std::exception& e) {
            std::cerr << "casegate form-pdf: " << e.what() << "\n";
            return 1;
        }
    }
    // Internal: the sandboxed parser that `run` and `parse` start (intake/parse_worker.hpp).
    if (cmd == "parse-worker") return intake::parse_worker_main(argc, argv);
    if (cmd == "reval") {
        if (!rest.empty() && reval::is_reval_admin_command(rest[0]))
            return reval::reval_admin_main(rest, std::cout, std::cerr);
        if (rest.empty() || rest[0] != "classify")
            return usage_error(
                "reval needs a subcommand: classify, list, add, remove, hide, unhide, flag, "
                "unflag");
        return reval::reval_classify_main(std::vector<std::string>(rest.begin() + 1, rest.end()),
                                          std::cout, std::cerr);
    }
    if (cmd == "cases" && !rest.empty() && rest[0] == "export")
        return import::cases_export_main({rest.begin() + 1, rest.end()}, std::cout, std::cerr);
    if (cmd == "cases") return cases::cases_main(rest, std::cout, std::cerr);
    if (cmd == "import-cases") return import::import_cases_main(rest, std::cout, std::cerr);
    if (cmd == "employers") return import::employers_cli_main(rest, std::cout, std::cerr);
    if (cmd == "review") return cases::review_main(rest, std::cout, std::cerr);
    if (cmd == "items") return ops::items_main(rest, std::cout, std::cerr);
    if (cmd == "outbox") return ops::outbox_main(rest, std::cout, std::cerr);
    if (cmd == "status") return ops::status_main(rest, std::cout, std::cerr);
    if (cmd == "purge") return cases::purge_main(rest, std::cout, std::cerr);
    CommonArgs common;
    std::string error;
    if (!parse_common(rest, common, error)) return usage_error(error);
    if (cmd == "run") return daemon::run_daemon(common.config, common.once);
    if (cmd == "console") {
        if (common.once) return usage_error("console takes no --once");
        return console::run_console(common.config);
    }
    if (cmd == "form-service") {
        if (common.once) return usage_error("form-service takes no --once");
        return formsvc::run_form_service(common.config);
    }
    if (cmd == "migrate") return cmd_migrate(common);
    return usage_error("unknown command '" + cmd + "'");
}
