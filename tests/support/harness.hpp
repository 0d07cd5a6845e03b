// The end-to-end harness: the real casegate binary against the private PostgreSQL, Dovecot and
// SMTP receiver started by scripts/dev-services (scripts/test exports their coordinates).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "storage/pg.hpp"

namespace casegate::e2e {

/// The coordinates exported by `scripts/dev-services env`; throws if they are missing.
struct Services {
    std::string pg_admin_conninfo;
    std::string imap_url;
    std::string dovecot_conf;
    std::string smtp_url;
    std::string smtp_maildir;
    std::string var;
    int oauth2_port = 0;  ///< where Dovecot introspects XOAUTH2 tokens (tests start the service)
    static const Services& get();
};

/// A throw-away database, dropped at the end.
class TestDb {
  public:
    TestDb();
    ~TestDb();
    const std::string& conninfo() const { return conninfo_; }
    storage::Db& db() { return *db_; }
    std::int64_t count(const std::string& sql);

  private:
    std::string name_;
    std::string conninfo_;
    std::unique_ptr<storage::Db> db_;
};

/// Two members of staff for the second office of the test configuration (East Midlands): an
/// admin, alex.admin@casegate.test, and a case manager, casey@casegate.test. TOML to append
/// as ConfigOptions::extra.
inline constexpr const char* kEastMidlandsStaff =
    "[[office.staff]]\nname = \"Alex Admin\"\nemail = \"alex.admin@casegate.test\"\n"
    "role = \"admin\"\n\n"
    "[[office.staff]]\nname = \"Casey Manager\"\nemail = \"casey@casegate.test\"\n"
    "role = \"case_manager\"\n\n";

/// The secret the test configurations sign Message-IDs with.
inline constexpr const char* kTestThreadKey = "test-thread-key-0123456789abcdef0123456789";

struct ConfigOptions {
    std::vector<std::string> imap_users = {"referrals"};
    std::vector<std::string> maildirs;  ///< absolute paths
    int retry_initial = 1;
    int poll_interval = 5;
    std::string extra;  ///< appended TOML
    std::string smtp_url;  ///< "" = the SMTP receiver of scripts/dev-services
    std::string smtp_extra;  ///< more lines of [smtp] (user, credentials)
    std::string employers_file;  ///< both offices' employers_file; "" for none
    /// [threading]: key_file's secret ("" = no [threading] section) and authserv_id.
    std::string thread_key = kTestThreadKey;
    std::string authserv_id;
    std::string triage_digest_day = "off";  ///< [routing]; the tests that want one say so
    /// [metrics] listen: none, so that daemons of tests running at once do not compete for the
    /// default port; the metrics test gives one.
    std::string metrics_listen;
};

/// A private directory with a casegate.toml for one test.
class TestConfig {
  public:
    TestConfig(const TestDb& db, const ConfigOptions& opt = {});
    ~TestConfig();
    const std::string& path() const { return path_; }
    const std::string& dir() const { return dir_; }

  private:
    std::string dir_;
    std::string path_;
};

/// A running child process.
class Process {
  public:
    /// `stderr_path`, when given, receives the child's standard error (e.g. casegate's log,
    /// written to stderr rather than journald).
    Process(const std::vector<std::string>& argv,
            const std::map<std::string, std::string>& env = {},
            const std::string& stderr_path = {});
    ~Process();
    void signal(int sig);
    /// Waits for exit; returns the wait status, or -1 on timeout.
    int wait(std::chrono::milliseconds timeout);
    pid_t pid() const { return pid_; }

  private:
    pid_t pid_ = -1;
    bool reaped_ = false;
};

/// Path of the casegate binary under test.
std::string casegate_binary();

/// Runs casegate to completion and returns its exit code (or 128+signal).
int run_casegate(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env = {},
                 const std::string& stderr_path = {});

/// Starts every IMAP user's mailbox empty and the SMTP receiver's store empty.
void reset_mail();

/// Delivers a raw message into an IMAP user's INBOX, unread.
void deliver(const std::string& user, const std::string& raw);

/// Number of messages in an IMAP user's folder.
int imap_count(const std::string& user, const std::string& folder);

/// Every message the SMTP receiver has kept, oldest first.
std::vector<std::string> sent_messages();

/// The kept messages whose To header holds `address`, oldest first.
std::vector<std::string> sent_messages_to(const std::string& address);

/// Reads a whole file; throws if it cannot be read.
std::string read_file(const std::string& path);

/// Reads a file of the source tree (e.g. "examples/demo/01_complete_text.eml").
std::string source_file(const std::string& relative);

/// Runs a shell command, returning its exit status; throws if it cannot be started.
int shell(const std::string& command);

/// `s` as one word for the shell (single-quoted).
std::string shell_quoted(const std::string& s);

/// A loopback TCP port that nothing listens on right now.
int free_port();

/// A loopback TCP port for a server a test starts itself: CASEGATE_PORT_BASE + offset (the
/// services use + 25, + 32 and + 43; offsets 60 to 79 are for tests), so that test runs with
/// different port bases never collide. Throws if the offset is outside 60 to 79.
int test_port(int offset);

/// True when something accepts TCP connections on 127.0.0.1:port.
bool port_open(int port);

/// Polls pred every 100 ms until it is true or the timeout passes.
bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

}  // namespace casegate::e2e
