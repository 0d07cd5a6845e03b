// The weekly triage digest per office (seed 000 Q23: the admin team "proceed to weekly triage
// meeting"), sent to each office's admin team mailbox(es) once a week across every process.
#pragma once

#include "common/config.hpp"
#include "storage/pg.hpp"

namespace casegate::cases {

/// On `[routing] triage_digest_day` from 08:00 local time, once (a `schedules` row), each
/// office's digest goes to its admin team; `force` sends now whatever the day. Returns the
/// digests written to the outbox.
int send_triage_digests(storage::Db& db, const common::Config& cfg, bool force);

}  // namespace casegate::cases
