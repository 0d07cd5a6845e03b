// The staff console's sign-in links and sessions. A secret handed to a browser (a link's token,
// a session cookie) is stored only as its SHA-256, computed by PostgreSQL.
#pragma once

#include <optional>
#include <string>

#include "storage/pg.hpp"

namespace casegate::storage {

/// Records a sign-in link's token for `email`, usable once within `minutes`; `return_to` is the
/// page to show once signed in.
void add_sign_in(Db& db, const std::string& token, const std::string& email, int minutes,
                 const std::string& return_to = "/");

/// How many sign-in links were made for `email` in the last `minutes` (used or not).
int recent_sign_ins(Db& db, const std::string& email, int minutes);

struct UsedSignIn {
    std::string email;
    std::string return_to;
};

/// Uses the token: the member's email and page when it exists, is unused and has not expired
/// (and marks it used, so a second use finds nothing); nullopt otherwise.
std::optional<UsedSignIn> use_sign_in(Db& db, const std::string& token);

/// A signed-in member of staff.
struct ConsoleSession {
    std::string email;
    std::string csrf_token;
    std::string flash;  ///< what the last change did, taken by the next page shown
};

/// Starts a session for `email` lasting at most `absolute_minutes`.
void add_session(Db& db, const std::string& session_id, const std::string& email,
                 const std::string& csrf_token, const std::string& via, int absolute_minutes);

/// The session, if it is neither ended, nor past its absolute expiry, nor idle for more than
/// `idle_minutes`; its last use becomes now. With `take_flash` the flash is returned and
/// cleared (a page shown), otherwise left for the next page.
std::optional<ConsoleSession> touch_session(Db& db, const std::string& session_id, int idle_minutes,
                                            bool take_flash);

/// Leaves a message for the session's next page.
void set_flash(Db& db, const std::string& session_id, const std::string& flash);

/// Ends the session (sign-out).
void end_session(Db& db, const std::string& session_id);

/// Deletes sign-in links and sessions that ended or expired more than a day ago; returns the
/// rows deleted.
int forget_old_sessions(Db& db);

}  // namespace casegate::storage
