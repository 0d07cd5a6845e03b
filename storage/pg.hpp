// A small C++ face on libpq: a connection that reconnects, results that own their PGresult,
// transactions that roll back unless committed, and errors sorted by SQLSTATE class.
// pg.cpp is the only file that includes libpq-fe.h.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace casegate::storage {

/// A database error with its SQLSTATE (e.g. "23505"); kind() sorts it as CONVENTIONS.md says.
class DbError : public std::runtime_error {
  public:
    enum class Kind { connection, unique_violation, other };
    DbError(const std::string& message, std::string sqlstate);
    const std::string& sqlstate() const { return sqlstate_; }
    Kind kind() const;
    bool is_connection() const { return kind() == Kind::connection; }
    bool is_unique_violation() const { return kind() == Kind::unique_violation; }
    /// Another session holds what this statement needed: a lock not available without waiting
    /// (55P03), a deadlock the server broke (40P01) or a serialization failure (40001). The
    /// work is sound and can be tried again once rolled back.
    bool is_lock_conflict() const {
        return sqlstate_ == "55P03" || sqlstate_ == "40P01" || sqlstate_ == "40001";
    }

  private:
    std::string sqlstate_;
};

/// One query parameter, sent as text, or as binary for bytea values.
struct Param {
    std::optional<std::string> value;
    bool binary = false;

    Param() = default;  // NULL
    Param(std::string_view v) : value(std::string(v)) {}
    Param(const std::string& v) : value(v) {}
    Param(const char* v) : value(std::string(v)) {}
    Param(std::int64_t v) : value(std::to_string(v)) {}
    Param(int v) : value(std::to_string(v)) {}
    Param(bool v) : value(v ? "t" : "f") {}
    template <typename T>
    Param(const std::optional<T>& v) : Param(v ? Param(*v) : Param()) {}
    static Param bytes(std::string_view v);
    static Param null() { return Param(); }
};

class Result {
  public:
    Result() = default;
    explicit Result(void* pgresult);
    int rows() const;
    int columns() const;
    bool is_null(int row, int col) const;
    std::string text(int row, int col) const;
    std::int64_t int64(int row, int col) const;
    bool boolean(int row, int col) const;
    /// Decodes a bytea column returned in text (hex) form.
    std::string bytes(int row, int col) const;
    /// Number of rows an INSERT/UPDATE/DELETE touched.
    std::int64_t affected() const;

  private:
    std::shared_ptr<void> res_;
};

/// A connection that reconnects on demand. Not thread-safe: one per thread.
class Db {
  public:
    explicit Db(std::string conninfo);
    ~Db();
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    /// Runs one statement. Throws DbError; a connection-class error leaves the connection
    /// closed so that the next call reconnects.
    Result exec(std::string_view sql, std::initializer_list<Param> params = {});
    Result exec(std::string_view sql, const std::vector<Param>& params);

    /// Queues a statement whose result is not needed. Inside a Transaction it is sent with the
    /// next exec() (or the commit) in one pipelined round trip, and an error it raises is
    /// thrown there; outside a transaction it runs at once.
    void defer(std::string_view sql, std::vector<Param> params);

    /// Runs `copy_sql` (a "COPY table (cols) FROM STDIN" statement) and sends `data`, rows in
    /// COPY text format (see append_copy_field), in chunks. Returns the number of rows copied.
    /// Throws DbError like exec(); a failed COPY leaves the transaction aborted.
    std::int64_t copy_in(std::string_view copy_sql, std::string_view data);

    /// Subscribes this connection to NOTIFY on `channel` (lower-case letters and `_`), now and
    /// again after every reconnection. Throws DbError.
    void listen(std::string_view channel);

    /// Waits up to `timeout` for a notification on a channel listened to. True when at least
    /// one came (all that came are consumed, also those that arrived during other statements);
    /// false after the timeout, or at once when the connection is lost (the next statement
    /// reconnects and listens again). Not connected: sleeps `timeout` and returns false.
    bool wait_for_notification(std::chrono::milliseconds timeout);

    /// Connects if not connected. Throws DbError(kind connection) on failure.
    void connect();
    /// The server process of this connection (pg_backend_pid()), 0 when not connected.
    int backend_pid() const;
    bool connected() const;
    void disconnect();

  private:
    friend class Transaction;
    struct Statement {
        std::string sql;
        std::vector<Param> params;
    };
    /// Sends the deferred statements and then `last` in pipeline mode; returns last's result.
    Result exec_pipelined(const std::string& last, const std::vector<Param>& params);

    /// The name of `query` prepared on this connection, or null when it is not to be prepared.
    const std::string* prepared(const std::string& query, int nparams);
    /// Returns the result of a PGresult that succeeded; throws DbError otherwise.
    Result checked(void* pgresult);

    std::string conninfo_;
    struct Conn;
    std::unique_ptr<Conn> conn_;
    bool in_transaction_ = false;
    std::vector<Statement> deferred_;
    std::vector<std::string> channels_;  ///< listened to: LISTEN again on each connection
};

/// Appends one field of a COPY text-format row to `row`: a tab before every field but the
/// first, the value with backslash, tab, newline and carriage return escaped, or \N for NULL.
void append_copy_field(std::string& row, bool first, const std::optional<std::string_view>& value);

/// BEGIN on construction, ROLLBACK on destruction unless commit() was called. The BEGIN and
/// the statements deferred inside go to the server with the next statement that needs an
/// answer, so a transaction costs few round trips.
class Transaction {
  public:
    explicit Transaction(Db& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

    /// Savepoints for grouping several units of work in one transaction, one at a time: a
    /// failing unit is rolled back alone and the others' work stays. savepoint() is sent with
    /// the next statement; release_savepoint() waits for the answers to everything deferred
    /// since, so an error a unit's statements raise is thrown there, still inside the unit.
    void savepoint();
    /// Undoes everything since savepoint() (also statements still deferred); the savepoint
    /// stays, so the caller can record the failure inside it and then release it.
    void rollback_to_savepoint();
    void release_savepoint();

  private:
    Db& db_;
    bool done_ = false;
};

/// Runs fn (a whole unit of work, usually one transaction) and, when it fails with a
/// connection-class error, reconnects and runs it again with capped exponential back-off,
/// up to `attempts` times. Other errors propagate at once.
void with_retry(Db& db, const std::function<void()>& fn, int attempts = 8);

/// From now on (`stop` true) every with_retry gives up at the next failure, and one waiting
/// between attempts stops waiting within 100 ms: a program being stopped does not sit out the
/// back-off (up to 11 s) while the database is away. Async-signal-safe (a lock-free atomic), so
/// a SIGTERM handler may call it; `false` undoes it (tests).
void stop_retrying(bool stop = true);

}  // namespace casegate::storage
