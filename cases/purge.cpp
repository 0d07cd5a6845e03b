#include "cases/purge.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <ostream>

#include "common/log.hpp"
#include "storage/cases.hpp"

namespace casegate::cases {

PurgeReport purge(storage::Db& db, const common::Config& cfg, bool apply,
                  const std::string& actor) {
    PurgeReport report;
    if (cfg.retention_days <= 0) return report;
    {
        storage::Transaction tx(db);
        report.cases = storage::purge_candidates(db, cfg.retention_days);
        tx.commit();
    }
    if (!apply) return report;
    for (const storage::PurgeCandidate& c : report.cases) {
        storage::Transaction tx(db);
        const storage::Purged p = storage::purge_case(db, c.id);
        storage::audit(db, actor, "case.purged", c.id, std::nullopt,
                       nlohmann::json{{"retention_days", cfg.retention_days},
                                      {"documents", p.documents},
                                      {"raw_mail", p.inbound_items},
                                      {"action_texts", p.actions},
                                      {"notifications", p.outbox}}
                           .dump());
        tx.commit();
        report.removed.documents += p.documents;
        report.removed.inbound_items += p.inbound_items;
        report.removed.actions += p.actions;
        report.removed.outbox += p.outbox;
    }
    if (!report.cases.empty()) {
        common::logger("cases")->info(
            "retention purge cases={} documents={} raw_mail={} action_texts={} notifications={}",
            report.cases.size(), report.removed.documents, report.removed.inbound_items,
            report.removed.actions, report.removed.outbox);
    }
    return report;
}

int purge_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    static constexpr const char* kUsage =
        "usage: casegate purge --dry-run|--apply [--config FILE]\n";
    std::string config = common::kDefaultConfigPath;
    int mode = 0;  // 1 dry run, 2 apply
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--dry-run" && mode == 0) {
            mode = 1;
        } else if (args[i] == "--apply" && mode == 0) {
            mode = 2;
        } else if (args[i] == "--config" && i + 1 < args.size()) {
            config = args[++i];
        } else {
            err << "casegate purge: unexpected argument '" << args[i] << "'\n" << kUsage;
            return 2;
        }
    }
    if (mode == 0) {
        err << "casegate purge: say --dry-run or --apply\n" << kUsage;
        return 2;
    }
    try {
        const common::Config cfg = common::load_config(config);
        if (cfg.retention_days <= 0) {
            out << "retention_days is 0: nothing is purged\n";
            return 0;
        }
        storage::Db db(cfg.database_conninfo);
        const PurgeReport r = purge(db, cfg, mode == 2, "operator");
        for (const storage::PurgeCandidate& c : r.cases) {
            out << c.reference << "  closed " << c.closed_at << "  documents " << c.documents
                << "  raw mail " << c.inbound_items << "\n";
        }
        out << (mode == 2 ? "purged " : "would purge ") << r.cases.size()
            << " case(s) archived and closed more than " << cfg.retention_days << " days ago";
        if (mode == 2) {
            out << ": " << r.removed.documents << " documents and " << r.removed.inbound_items
                << " raw messages deleted, " << r.removed.actions << " action texts and "
                << r.removed.outbox << " sent notifications blanked";
        }
        out << "\n";
        return 0;
    } catch (const std::exception& e) {
        err << "casegate purge: " << e.what() << "\n";
        return 3;
    }
}

}  // namespace casegate::cases
