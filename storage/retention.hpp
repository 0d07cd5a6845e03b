// The retention purge (README "Working on cases", Retention): the personal data of archived cases
// closed more than retention_days ago. Every function runs inside the caller's transaction.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/pg.hpp"

namespace casegate::storage {

struct PurgeCandidate {
    std::int64_t id = 0;
    std::string reference;
    std::string closed_at;  ///< YYYY-MM-DD
    std::int64_t documents = 0;
    std::int64_t inbound_items = 0;
};

/// Archived cases closed more than `retention_days` ago and not purged yet, oldest first.
std::vector<PurgeCandidate> purge_candidates(Db& db, int retention_days);

/// What one purge removed.
struct Purged {
    std::int64_t documents = 0;      ///< deleted
    std::int64_t inbound_items = 0;  ///< raw mail deleted (the row and its state stay)
    std::int64_t actions = 0;        ///< actions whose text was blanked
    std::int64_t outbox = 0;         ///< sent messages whose bytes were deleted
};

/// Blanks the case's personal data: the doctor's name, GMC number (to 0000000), the referrer's
/// name, email and phone, the site and the details; its submissions' fields and sender; the text
/// of its actions; its documents and the raw bytes and sender of the mail it came from; the
/// bytes and recipients of the notifications about it. The audit log stays.
Purged purge_case(Db& db, std::int64_t case_id);

}  // namespace casegate::storage
