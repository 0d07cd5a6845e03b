#include "storage/console.hpp"

namespace casegate::storage {

void add_sign_in(Db& db, const std::string& token, const std::string& email, int minutes,
                 const std::string& return_to) {
    db.exec(
        "INSERT INTO console_sign_ins (token_hash, email, expires_at, return_to)"
        " VALUES (sha256(convert_to($1, 'UTF8')), $2, now() + make_interval(mins => $3), $4)",
        {token, email, minutes, return_to});
}

int recent_sign_ins(Db& db, const std::string& email, int minutes) {
    return static_cast<int>(
        db.exec("SELECT count(*) FROM console_sign_ins WHERE lower(email) = lower($1)"
                " AND created_at > now() - make_interval(mins => $2)",
                {email, minutes})
            .int64(0, 0));
}

std::optional<UsedSignIn> use_sign_in(Db& db, const std::string& token) {
    const Result r = db.exec(
        "UPDATE console_sign_ins SET used_at = now()"
        " WHERE token_hash = sha256(convert_to($1, 'UTF8')) AND used_at IS NULL"
        " AND expires_at > now() RETURNING email, return_to",
        {token});
    if (r.rows() == 0) return std::nullopt;
    return UsedSignIn{r.text(0, 0), r.text(0, 1)};
}

void add_session(Db& db, const std::string& session_id, const std::string& email,
                 const std::string& csrf_token, const std::string& via, int absolute_minutes) {
    db.exec(
        "INSERT INTO console_sessions (id_hash, email, csrf_token, via, expires_at)"
        " VALUES (sha256(convert_to($1, 'UTF8')), $2, $3, $4,"
        " now() + make_interval(mins => $5))",
        {session_id, email, csrf_token, via, absolute_minutes});
}

std::optional<ConsoleSession> touch_session(Db& db, const std::string& session_id, int idle_minutes,
                                            bool take_flash) {
    const Result r = db.exec(
        "WITH s AS (SELECT id_hash, flash FROM console_sessions"
        "  WHERE id_hash = sha256(convert_to($1, 'UTF8')) AND ended_at IS NULL"
        "  AND expires_at > now() AND last_seen_at > now() - make_interval(mins => $2)"
        "  FOR UPDATE)"
        " UPDATE console_sessions c SET last_seen_at = now(),"
        "  flash = CASE WHEN $3 THEN NULL ELSE c.flash END"
        " FROM s WHERE c.id_hash = s.id_hash"
        " RETURNING c.email, c.csrf_token, coalesce(s.flash, '')",
        {session_id, idle_minutes, take_flash});
    if (r.rows() == 0) return std::nullopt;
    return ConsoleSession{r.text(0, 0), r.text(0, 1), take_flash ? r.text(0, 2) : std::string()};
}

void set_flash(Db& db, const std::string& session_id, const std::string& flash) {
    db.exec("UPDATE console_sessions SET flash = $2 WHERE id_hash = sha256(convert_to($1, 'UTF8'))",
            {session_id, flash});
}

void end_session(Db& db, const std::string& session_id) {
    db.exec(
        "UPDATE console_sessions SET ended_at = now()"
        " WHERE id_hash = sha256(convert_to($1, 'UTF8')) AND ended_at IS NULL",
        {session_id});
}

int forget_old_sessions(Db& db) {
    const Result a =
        db.exec("DELETE FROM console_sign_ins WHERE expires_at < now() - interval '1 day'");
    const Result b = db.exec(
        "DELETE FROM console_sessions WHERE coalesce(ended_at, expires_at) < now() - interval "
        "'1 day'");
    return static_cast<int>(a.affected() + b.affected());
}

}  // namespace casegate::storage
