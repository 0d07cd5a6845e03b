// The retention purge (README "Working on cases", Retention): by the daemon daily and by
// `casegate purge --dry-run|--apply`; every purged case audited.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "common/config.hpp"
#include "storage/pg.hpp"
#include "storage/retention.hpp"

namespace casegate::cases {

struct PurgeReport {
    std::vector<storage::PurgeCandidate> cases;  ///< listed (dry run) or purged
    storage::Purged removed;                     ///< totals; zero for a dry run
};

/// The archived cases past `[retention] retention_days` (none when it is 0); with `apply`,
/// purges each in one transaction and audits it as `case.purged` by `actor`.
PurgeReport purge(storage::Db& db, const common::Config& cfg, bool apply, const std::string& actor);

/// `casegate purge --dry-run|--apply [--config FILE]`: exit 0, 2 usage, 3 failure.
int purge_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace casegate::cases
