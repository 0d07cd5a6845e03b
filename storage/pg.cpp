// libpq wrapper. Errors are sorted by SQLSTATE class (Kea's checkStatementError):
// 08 connection exception, 53 insufficient resources, 57 operator intervention (e.g. admin
// shutdown), 58 system error → the connection is dropped and the caller may retry;
// 23505 unique violation → "already have it"; anything else is a real error.
#include "storage/pg.hpp"

#include <libpq-fe.h>

#include <chrono>
#include <thread>

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
PGresult* raw(const std::shared_ptr<void>& r) { return static_cast<PGresult*>(r.get()); }
}  // namespace

Result::Result(void* pgresult) : res_(pgresult, [](void* p) { PQclear(static_cast<PGresult*>(p)); }) {}
int Result::rows() const { return res_ ? PQntuples(raw(res_)) : 0; }
int Result::columns() const { return res_ ? PQnfields(raw(res_)) : 0; }
bool Result::is_null(int row, int col) const { return PQgetisnull(raw(res_), row, col) != 0; }
std::string Result::text(int row, int col) const {
    return std::string(PQgetvalue(raw(res_), row, col),
                       static_cast<std::size_t>(PQgetlength(raw(res_), row, col)));
}
std::int64_t Result::int64(int row, int col) const { return std::stoll(text(row, col)); }
bool Result::boolean(int row, int col) const { return text(row, col) == "t"; }
std::string Result::bytes(int row, int col) const {
    std::size_t len = 0;
    unsigned char* p =
        PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(raw(res_), row, col)), &len);
    if (p == nullptr) throw DbError("cannot decode bytea column", "");
    std::string out(reinterpret_cast<const char*>(p), len);
    PQfreemem(p);
    return out;
}
std::int64_t Result::affected() const {
    const char* n = PQcmdTuples(raw(res_));
    return (n != nullptr && *n != '\0') ? std::stoll(n) : 0;
}

struct Db::Conn {
    PGconn* pg = nullptr;
    ~Conn() {
        if (pg != nullptr) PQfinish(pg);
    }
};

Db::Db(std::string conninfo) : conninfo_(std::move(conninfo)) {}
Db::~Db() = default;

bool Db::connected() const { return conn_ && PQstatus(conn_->pg) == CONNECTION_OK; }
void Db::disconnect() { conn_.reset(); }

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
    PQsetNoticeProcessor(c->pg, [](void*, const char*) {}, nullptr);
    conn_ = std::move(c);
}

Result Db::exec(std::string_view sql, std::initializer_list<Param> params) {
    return exec(sql, std::vector<Param>(params));
}

Result Db::exec(std::string_view sql, const std::vector<Param>& params) {
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
    // Without parameters use the simple protocol, which also runs multi-statement scripts
    // (migrations).
    PGresult* r = params.empty()
                      ? PQexec(conn_->pg, query.c_str())
                      : PQexecParams(conn_->pg, query.c_str(), static_cast<int>(params.size()), nullptr,
                                     values.data(), lengths.data(), formats.data(), 0);
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

Transaction::Transaction(Db& db) : db_(db) { db_.exec("BEGIN"); }

Transaction::~Transaction() {
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
    done_ = true;
}

void with_retry(Db& db, const std::function<void()>& fn, int attempts) {
    auto delay = std::chrono::milliseconds(100);
    for (int i = 1;; ++i) {
        try {
            fn();
            return;
        } catch (const DbError& e) {
            if (!e.is_connection() || i >= attempts) throw;
            db.disconnect();
            std::this_thread::sleep_for(delay);
            delay = std::min(delay * 2, std::chrono::milliseconds(5000));
        }
    }
}

}  // namespace casegate::storage
