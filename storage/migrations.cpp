#include "storage/migrations.hpp"

#include <stdexcept>
#include <string>

namespace casegate::storage {

namespace {
// An arbitrary constant that identifies casegate's migration lock among advisory locks.
constexpr std::int64_t kMigrationLockKey = 0x63617365676174;  // "casegat"
}  // namespace

int schema_version(Db& db) {
    const Result exists = db.exec("SELECT to_regclass('public.schema_migrations') IS NOT NULL");
    if (!exists.boolean(0, 0)) return 0;
    const Result r = db.exec("SELECT coalesce(max(version), 0) FROM schema_migrations");
    return static_cast<int>(r.int64(0, 0));
}

int migrate(Db& db) {
    int applied = 0;
    Transaction tx(db);
    db.exec("SELECT pg_advisory_xact_lock($1)", {kMigrationLockKey});
    db.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version integer PRIMARY KEY, name text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())");
    const int current = schema_version(db);
    const int known = migrations().empty() ? 0 : migrations().back().version;
    if (current > known) {
        throw std::runtime_error("database schema version " + std::to_string(current) +
                                 " is newer than this casegate knows (" + std::to_string(known) +
                                 ")");
    }
    for (const Migration& m : migrations()) {
        if (m.version <= current) continue;
        db.exec(m.sql);
        db.exec("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                {m.version, m.name});
        ++applied;
    }
    tx.commit();
    return applied;
}

}  // namespace casegate::storage
