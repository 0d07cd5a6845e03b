// libpq wrapper. Errors are sorted by SQLSTATE class (Kea's checkStatementError):
// 08 connection exception, 53 insufficient resources, 57 operator intervention (e.g. admin
// shutdown), 58 system error → the connection is dropped and the caller may retry;
// 23505 unique violation → "already have it"; anything else is a real error.
#include "storage/pg.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <unordered_map>

namespace casegate::storage {

DbError::DbError(const std::string& message, std::string sqlstate)
    : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}

DbError::Kind DbError::kind() const {
    if (sqlstate_ == "23505") return Kind::unique_violation;
    const std::string cls = sqlstate_.substr(0, 2);
    if (cls == "08" || cls == "53" || cls == "57" || cls == "58") return Kind::connection;
    return Kind::other;
}

Param Param::bytes(std::string_view v) {
    Param p{v};
    p.binary = true;
    return p;
}

namespace {
PGresult* raw(const std::shared_ptr<void>& r) {
    return static_cast<PGresult*>(r.get());
}
}  // namespace

Result::Result(void* pgresult)
    : res_(pgresult, [](void* p) { PQclear(static_cast<PGresult*>(p)); }) {}
int Result::rows() const {
    return res_ ? PQntuples(raw(res_)) : 0;
}
int Result::columns() const {
    return res_ ? PQnfields(raw(res_)) : 0;
}
bool Result::is_null(int row, int col) const {
    return PQgetisnull(raw(res_), row, col) != 0;
}
std::string Result::text(int row, int col) const {
    return std::string(PQgetvalue(raw(res_), row, col),
                       static_cast<std::size_t>(PQgetlength(raw(res_), row, col)));
}
std::int64_t Result::int64(int row, int col) const {
    return std::stoll(text(row, col));
}
bool Result::boolean(int row, int col) const {
    return text(row, col) == "t";
}
std::string Result::bytes(int row, int col) const {
    std::size_t len = 0;
    unsigned char* p = PQunescapeBytea(
        reinterpret_cast<const unsigned char*>(PQgetvalue(raw(res_), row, col)), &len);
    if (p == nullptr) throw DbError("cannot decode bytea column", "");
    std::string out(reinterpret_cast<const char*>(p), len);
    PQfreemem(p);
    return out;
}
std::int64_t Result::affected() const {
    const char* n = PQcmdTuples(raw(res_));
    return (n != nullptr && *n != '\0') ? std::stoll(n) : 0;
}

// Statements prepared per connection at most (texts are the code's own constants, but a
// caller building texts must not grow the server's memory without bound).
constexpr std::size_t kMaxPrepared = 256;

struct Db::Conn {
    PGconn* pg = nullptr;
    std::unordered_map<std::string, std::string> prepared;  ///< statement text → name
    int names_used = 0;  ///< never reused, even for a preparation that failed
    const std::string* prepared_name(const std::string& query) const {
        const auto it = prepared.find(query);
        return it == prepared.end() ? nullptr : &it->second;
    }
    ~Conn() {
        if (pg != nullptr) PQfinish(pg);
    }
};

Db::Db(std::string conninfo) : conninfo_(std::move(conninfo)) {}
Db::~Db() = default;

bool Db::connected() const {
    return conn_ && PQstatus(conn_->pg) == CONNECTION_OK;
}
int Db::backend_pid() const {
    return connected() ? PQbackendPID(conn_->pg) : 0;
}
void Db::disconnect() {
    conn_.reset();
    deferred_.clear();
}

void Db::connect() {
    if (connected()) return;
    conn_.reset();
    auto c = std::make_unique<Conn>();
    c->pg = PQconnectdb(conninfo_.c_str());
    if (c->pg == nullptr || PQstatus(c->pg) != CONNECTION_OK) {
        std::string msg = c->pg ? PQerrorMessage(c->pg) : "out of memory";
        while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
        throw DbError("cannot connect to PostgreSQL: " + msg, "08001");
    }
    // Keep notices (e.g. "relation already exists, skipping") off stderr.
    PQsetNoticeProcessor(
        c->pg, [](void*, const char*) {}, nullptr);
    for (const std::string& channel : channels_) {
        PGresult* r = PQexec(c->pg, ("LISTEN " + channel).c_str());
        const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (!ok) throw DbError("cannot LISTEN " + channel + ": " + PQerrorMessage(c->pg), "08001");
    }
    conn_ = std::move(c);
}

void Db::listen(std::string_view channel) {
    const bool plain = !channel.empty() && std::all_of(channel.begin(), channel.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || ch == '_';
    });
    if (!plain) throw std::invalid_argument("Db::listen: not a plain channel name");
    const std::string name(channel);
    if (std::find(channels_.begin(), channels_.end(), name) == channels_.end())
        channels_.push_back(name);
    exec("LISTEN " + name);
}

bool Db::wait_for_notification(std::chrono::milliseconds timeout) {
    if (!connected()) {
        std::this_thread::sleep_for(timeout);
        return false;
    }
    PGconn* pg = conn_->pg;
    const auto drain = [pg] {
        bool any = false;
        while (PGnotify* n = PQnotifies(pg)) {
            PQfreemem(n);
            any = true;
        }
        return any;
    };
    if (drain()) return true;
    pollfd p{PQsocket(pg), POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (ready <= 0) return false;
    if (PQconsumeInput(pg) == 0) {
        disconnect();
        return false;
    }
    return drain();
}

Result Db::exec(std::string_view sql, std::initializer_list<Param> params) {
    return exec(sql, std::vector<Param>(params));
}

void Db::defer(std::string_view sql, std::vector<Param> params) {
    if (!in_transaction_) {
        exec(sql, params);
        return;
    }
    deferred_.push_back({std::string(sql), std::move(params)});
}

Result Db::exec(std::string_view sql, const std::vector<Param>& params) {
    if (!deferred_.empty()) return exec_pipelined(std::string(sql), params);
    connect();
    std::vector<const char*> values;
    std::vector<int> lengths;
    std::vector<int> formats;
    for (const auto& p : params) {
        values.push_back(p.value ? p.value->data() : nullptr);
        lengths.push_back(p.value ? static_cast<int>(p.value->size()) : 0);
        formats.push_back(p.binary ? 1 : 0);
    }
    const std::string query(sql);
    PGresult* r = nullptr;
    if (params.empty()) {
        // The simple protocol, which also runs multi-statement scripts (migrations).
        r = PQexec(conn_->pg, query.c_str());
    } else if (const std::string* name = prepared(query, static_cast<int>(params.size()))) {
        r = PQexecPrepared(conn_->pg, name->c_str(), static_cast<int>(params.size()), values.data(),
                           lengths.data(), formats.data(), 0);
    } else {
        r = PQexecParams(conn_->pg, query.c_str(), static_cast<int>(params.size()), nullptr,
                         values.data(), lengths.data(), formats.data(), 0);
    }
    return checked(r);
}

Result Db::exec_pipelined(const std::string& last, const std::vector<Param>& params) {
    std::vector<Statement> batch = std::move(deferred_);
    deferred_.clear();
    batch.push_back({last, params});
    connect();
    PGconn* pg = conn_->pg;
    auto lost = [&](const std::string& what) {
        std::string msg = what + ": " + PQerrorMessage(pg);
        while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
        conn_.reset();
        return DbError(msg, "08006");
    };
    if (PQenterPipelineMode(pg) != 1) throw lost("cannot enter pipeline mode");
    // Statements not yet prepared on this connection are prepared in the same pipeline; each
    // preparation adds one result to read before its statement's.
    std::vector<bool> preparing(batch.size(), false);
    std::vector<std::pair<std::string, std::string>> new_names;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        const Statement& st = batch[i];
        if (!st.params.empty() && !conn_->prepared_name(st.sql) &&
            conn_->prepared.size() + new_names.size() < kMaxPrepared) {
            bool queued = false;
            for (const auto& [sql, name] : new_names) queued = queued || sql == st.sql;
            if (!queued) {
                std::string name = "cg" + std::to_string(++conn_->names_used);
                if (PQsendPrepare(pg, name.c_str(), st.sql.c_str(),
                                  static_cast<int>(st.params.size()), nullptr) != 1) {
                    throw lost("cannot send statement");
                }
                preparing[i] = true;
                new_names.emplace_back(st.sql, std::move(name));
            }
        }
        const std::string* name = nullptr;
        if (!st.params.empty()) {
            name = conn_->prepared_name(st.sql);
            for (const auto& [sql, n] : new_names) {
                if (sql == st.sql) name = &n;
            }
        }
        std::vector<const char*> values;
        std::vector<int> lengths;
        std::vector<int> formats;
        for (const auto& p : st.params) {
            values.push_back(p.value ? p.value->data() : nullptr);
            lengths.push_back(p.value ? static_cast<int>(p.value->size()) : 0);
            formats.push_back(p.binary ? 1 : 0);
        }
        const int sent =
            name ? PQsendQueryPrepared(pg, name->c_str(), static_cast<int>(st.params.size()),
                                       values.data(), lengths.data(), formats.data(), 0)
                 : PQsendQueryParams(pg, st.sql.c_str(), static_cast<int>(st.params.size()),
                                     nullptr, values.data(), lengths.data(), formats.data(), 0);
        if (sent != 1) throw lost("cannot send statement");
    }
    if (PQpipelineSync(pg) != 1) throw lost("cannot send pipeline sync");

    // One result (then a null) per statement, then the sync. The first failure is the one to
    // report; the statements after it come back as "pipeline aborted".
    PGresult* first_error = nullptr;
    PGresult* last_result = nullptr;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        if (preparing[i]) {
            PGresult* r = PQgetResult(pg);
            if (r == nullptr) throw lost("missing pipeline result");
            const ExecStatusType st = PQresultStatus(r);
            if (st != PGRES_COMMAND_OK && st != PGRES_PIPELINE_ABORTED && first_error == nullptr) {
                first_error = r;
            } else {
                PQclear(r);
            }
            while (PGresult* extra = PQgetResult(pg)) PQclear(extra);
        }
        PGresult* r = PQgetResult(pg);
        if (r == nullptr) throw lost("missing pipeline result");
        const ExecStatusType st = PQresultStatus(r);
        const bool failed = st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK;
        if (failed && first_error == nullptr && st != PGRES_PIPELINE_ABORTED) {
            first_error = r;
        } else if (i + 1 == batch.size() && !failed) {
            last_result = r;
        } else {
            PQclear(r);
        }
        while (PGresult* extra = PQgetResult(pg)) PQclear(extra);  // the null after each query
    }
    PGresult* sync = PQgetResult(pg);
    const bool synced = sync != nullptr && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
    PQclear(sync);
    if (!synced || PQexitPipelineMode(pg) != 1) {
        PQclear(first_error);
        PQclear(last_result);
        throw lost("pipeline did not end cleanly");
    }
    if (first_error != nullptr) {
        PQclear(last_result);
        return checked(first_error);  // throws
    }
    for (auto& [sql, name] : new_names) conn_->prepared.emplace(std::move(sql), std::move(name));
    return Result(last_result);
}

// Statements with parameters are prepared once per connection (the texts are the code's own
// constants), which saves the server a parse and plan per call. The map is bounded in case a
// caller builds statement texts.
const std::string* Db::prepared(const std::string& query, int nparams) {
    if (const std::string* name = conn_->prepared_name(query)) return name;
    if (conn_->prepared.size() >= kMaxPrepared) return nullptr;
    std::string name = "cg" + std::to_string(++conn_->names_used);
    checked(PQprepare(conn_->pg, name.c_str(), query.c_str(), nparams, nullptr));
    return &conn_->prepared.emplace(query, std::move(name)).first->second;
}

Result Db::checked(void* pgresult) {
    auto* r = static_cast<PGresult*>(pgresult);
    Result result(r);
    const ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return result;

    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    std::string sqlstate = state ? state : "";
    std::string msg = r ? PQresultErrorMessage(r) : PQerrorMessage(conn_->pg);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    if (PQstatus(conn_->pg) != CONNECTION_OK) {
        // The server went away mid-statement: libpq gives no SQLSTATE for that.
        conn_.reset();
        if (sqlstate.empty()) sqlstate = "08006";
    }
    DbError err(msg, sqlstate);
    if (err.is_connection()) conn_.reset();
    throw err;
}

namespace {
// The error a failed result (or, without one, the connection) reports.
DbError result_error(PGconn* pg, PGresult* r) {
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    std::string sqlstate = state ? state : "";
    std::string msg = r ? PQresultErrorMessage(r) : "";
    if (msg.empty()) msg = PQerrorMessage(pg);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    if (PQstatus(pg) != CONNECTION_OK && sqlstate.empty()) sqlstate = "08006";
    return DbError(msg, sqlstate);
}
}  // namespace

std::int64_t Db::copy_in(std::string_view copy_sql, std::string_view data) {
    if (!deferred_.empty())
        exec("SELECT 1");  // the transaction's BEGIN and pending statements first
    connect();
    PGconn* pg = conn_->pg;
    const std::string query(copy_sql);
    {
        PGresult* r = PQexec(pg, query.c_str());
        const Result owner(r);
        if (!r || PQresultStatus(r) != PGRES_COPY_IN) {
            DbError err = result_error(pg, r);
            if (err.is_connection() || PQstatus(pg) != CONNECTION_OK) conn_.reset();
            throw err;
        }
    }
    // Chunks of about 1 MiB; libpq buffers and sends them (blocking connection).
    constexpr std::size_t chunk = 1 << 20;
    for (std::size_t pos = 0; pos < data.size(); pos += chunk) {
        const std::size_t n = std::min(chunk, data.size() - pos);
        if (PQputCopyData(pg, data.data() + pos, static_cast<int>(n)) != 1) {
            DbError err("COPY failed while sending: " + std::string(PQerrorMessage(pg)), "08006");
            conn_.reset();
            throw err;
        }
    }
    if (PQputCopyEnd(pg, nullptr) != 1) {
        DbError err("COPY failed at the end: " + std::string(PQerrorMessage(pg)), "08006");
        conn_.reset();
        throw err;
    }
    std::int64_t rows = 0;
    std::optional<DbError> error;
    // Drain every result so the connection is ready for the next statement.
    while (PGresult* r = PQgetResult(pg)) {
        const Result owner(r);
        if (PQresultStatus(r) == PGRES_COMMAND_OK) {
            rows += owner.affected();
        } else if (!error) {
            error = result_error(pg, r);
        }
    }
    if (error) {
        if (error->is_connection() || PQstatus(pg) != CONNECTION_OK) conn_.reset();
        throw *error;
    }
    return rows;
}

void append_copy_field(std::string& row, bool first, const std::optional<std::string_view>& value) {
    if (!first) row += '\t';
    if (!value) {
        row += "\\N";
        return;
    }
    for (char c : *value) {
        switch (c) {
            case '\\':
                row += "\\\\";
                break;
            case '\t':
                row += "\\t";
                break;
            case '\n':
                row += "\\n";
                break;
            case '\r':
                row += "\\r";
                break;
            default:
                row += c;
        }
    }
}

Transaction::Transaction(Db& db) : db_(db) {
    db_.deferred_.clear();
    db_.in_transaction_ = true;
    db_.defer("BEGIN", {});
}

Transaction::~Transaction() {
    db_.in_transaction_ = false;
    db_.deferred_.clear();  // never sent, or rolled back below
    if (done_ || !db_.connected()) return;
    try {
        db_.exec("ROLLBACK");
    } catch (const DbError&) {
        // The connection is already gone or broken; the server rolls back on its own.
        db_.disconnect();
    }
}

void Transaction::commit() {
    db_.exec("COMMIT");
    db_.in_transaction_ = false;
    done_ = true;
}

void Transaction::savepoint() {
    db_.defer("SAVEPOINT unit", {});
}

void Transaction::rollback_to_savepoint() {
    try {
        db_.exec("ROLLBACK TO SAVEPOINT unit");
    } catch (const DbError& e) {
        // A statement still deferred failed first, so the pipeline skipped the rollback; the
        // deferred statements are gone now, so say it again on its own.
        if (e.is_connection()) throw;
        db_.exec("ROLLBACK TO SAVEPOINT unit");
    }
}

void Transaction::release_savepoint() {
    db_.exec("RELEASE SAVEPOINT unit");
}

namespace {
std::atomic<bool> g_stop_retrying{false};
static_assert(std::atomic<bool>::is_always_lock_free);
}  // namespace

void stop_retrying(bool stop) {
    g_stop_retrying.store(stop);
}

void with_retry(Db& db, const std::function<void()>& fn, int attempts) {
    constexpr auto kSlice = std::chrono::milliseconds(100);
    auto delay = std::chrono::milliseconds(100);
    for (int i = 1;; ++i) {
        try {
            fn();
            return;
        } catch (const DbError& e) {
            if (!e.is_connection() || i >= attempts || g_stop_retrying.load()) throw;
            db.disconnect();
            for (auto waited = std::chrono::milliseconds(0);
                 waited < delay && !g_stop_retrying.load(); waited += kSlice)
                std::this_thread::sleep_for(std::min(kSlice, delay - waited));
            if (g_stop_retrying.load()) throw;
            delay = std::min(delay * 2, std::chrono::milliseconds(5000));
        }
    }
}

}  // namespace casegate::storage
