// Versioned schema migrations, applied in order under a PostgreSQL advisory lock so that two
// processes starting together cannot both apply the same step.
#pragma once

#include <string_view>
#include <vector>

#include "storage/pg.hpp"

namespace casegate::storage {

struct Migration {
    int version;
    std::string_view name;
    std::string_view sql;
};

/// All migrations compiled into the binary, in version order (generated from storage/sql/).
const std::vector<Migration>& migrations();

/// Applies every migration newer than the database's version; returns how many were applied.
/// Throws DbError. Refuses (throws std::runtime_error) when the database is newer than the
/// binary knows.
int migrate(Db& db);

/// The schema version the database is at (0 for an empty database).
int schema_version(Db& db);

}  // namespace casegate::storage
