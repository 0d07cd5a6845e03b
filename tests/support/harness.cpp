#include "tests/support/harness.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace casegate::e2e {

namespace fs = std::filesystem;

namespace {
std::string env(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) {
        throw std::runtime_error(
            std::string(name) +
            " is not set: run the tests through scripts/test, which starts the services");
    }
    return v;
}

std::string unique_suffix() {
    static std::atomic<int> n{0};
    return std::to_string(getpid()) + "_" + std::to_string(n++);
}
}  // namespace

const Services& Services::get() {
    static const Services s = [] {
        Services x;
        x.pg_admin_conninfo = env("CASEGATE_PG_ADMIN_CONNINFO");
        x.imap_url = env("CASEGATE_IMAP_URL");
        x.dovecot_conf = env("CASEGATE_DOVECOT_CONF");
        x.smtp_url = env("CASEGATE_SMTP_URL");
        x.smtp_maildir = env("CASEGATE_SMTP_MAILDIR");
        x.var = env("CASEGATE_VAR");
        x.oauth2_port = std::stoi(env("CASEGATE_OAUTH2_PORT"));
        return x;
    }();
    return s;
}

TestDb::TestDb() : name_("cg_test_" + unique_suffix()) {
    storage::Db admin(Services::get().pg_admin_conninfo);
    admin.exec("DROP DATABASE IF EXISTS " + name_);
    admin.exec("CREATE DATABASE " + name_);
    conninfo_ = Services::get().pg_admin_conninfo + " dbname=" + name_;
    db_ = std::make_unique<storage::Db>(conninfo_);
}

TestDb::~TestDb() {
    db_.reset();
    try {
        storage::Db admin(Services::get().pg_admin_conninfo);
        admin.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const std::exception&) {
        // Left behind in the private cluster; scripts/test starts from a fresh one anyway.
    }
}

std::int64_t TestDb::count(const std::string& sql) {
    return db_->exec(sql).int64(0, 0);
}

TestConfig::TestConfig(const TestDb& db, const ConfigOptions& opt) {
    dir_ = Services::get().var + "/tests/" + unique_suffix();
    fs::create_directories(dir_);
    path_ = dir_ + "/casegate.toml";
    std::ofstream out(path_);
    out << "[database]\nconninfo = \"" << db.conninfo() << "\"\n\n"
        << "[smtp]\nurl = \"" << (opt.smtp_url.empty() ? Services::get().smtp_url : opt.smtp_url)
        << "\"\nfrom = \"casegate@casegate.test\"\n" << opt.smtp_extra << "\n";
    for (const auto& u : opt.imap_users) {
        std::ofstream(dir_ + "/" + u + ".password") << "secret-" << u << "\n";
        out << "[[mailbox]]\nname = \"" << u << "\"\nurl = \"" << Services::get().imap_url
            << "\"\nuser = \"" << u << "\"\npassword_file = \"" << dir_ << "/" << u
            << ".password\"\npoll_interval = " << opt.poll_interval << "\n\n";
    }
    for (std::size_t i = 0; i < opt.maildirs.size(); ++i) {
        out << "[[mailbox]]\nname = \"drop" << i << "\"\nurl = \"maildir:" << opt.maildirs[i]
            << "\"\npoll_interval = " << opt.poll_interval << "\n\n";
    }
    const std::string employers =
        opt.employers_file.empty() ? "" : "employers_file = \"" + opt.employers_file + "\"\n";
    out << "[[office]]\nname = \"East of England\"\nadmin_emails = "
           "[\"eoe-admin@casegate.test\"]\n"
        << employers << "\n"
        << "[[office]]\nname = \"East Midlands\"\nadmin_emails = [\"em-admin@casegate.test\"]\n"
        << employers << "\n"
        << "[routing]\ndefault_office = \"East of England\"\ntriage_digest_day = \""
        << opt.triage_digest_day << "\"\n\n"
        << "[outbox]\nretry_initial = " << opt.retry_initial << "\nretry_max = 5\n\n"
        << "[log]\nlevel = \"debug\"\n\n"
        << "[metrics]\nlisten = \"" << opt.metrics_listen << "\"\n\n";
    if (!opt.thread_key.empty()) {
        std::ofstream(dir_ + "/thread-key") << opt.thread_key << "\n";
        out << "[threading]\nkey_file = \"" << dir_ << "/thread-key\"\n";
        if (!opt.authserv_id.empty()) out << "authserv_id = \"" << opt.authserv_id << "\"\n";
        out << "\n";
    }
    out
        << opt.extra << "\n";
}

TestConfig::~TestConfig() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

Process::Process(const std::vector<std::string>& argv,
                 const std::map<std::string, std::string>& env_add,
                 const std::string& stderr_path) {
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        if (!stderr_path.empty()) {
            const int fd = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
            if (fd < 0 || dup2(fd, 2) < 0) _exit(127);
            // casegate logs to journald when it looks started by systemd.
            unsetenv("JOURNAL_STREAM");
            unsetenv("INVOCATION_ID");
        }
        for (const auto& [k, v] : env_add) setenv(k.c_str(), v.c_str(), 1);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
}

Process::~Process() {
    if (!reaped_ && pid_ > 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
}

void Process::signal(int sig) {
    kill(pid_, sig);
}

int Process::wait(std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (std::chrono::steady_clock::now() < until) {
        const pid_t r = waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            reaped_ = true;
            return status;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
}

std::string casegate_binary() {
    return std::string(CASEGATE_BINARY_DIR) + "/daemon/casegate";
}

int run_casegate(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env_add,
                 const std::string& stderr_path) {
    std::vector<std::string> argv{casegate_binary()};
    argv.insert(argv.end(), args.begin(), args.end());
    Process p(argv, env_add, stderr_path);
    const int st = p.wait(std::chrono::seconds(120));
    if (st == -1) throw std::runtime_error("casegate did not finish within 120 s");
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    return 128 + WTERMSIG(st);
}

std::string shell_quoted(const std::string& s) {
    std::string out = "'";
    for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

int shell(const std::string& command) {
    const int st = std::system(command.c_str());
    if (st == -1) throw std::runtime_error("cannot run: " + command);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void reset_mail() {
    const std::string conf = Services::get().dovecot_conf;
    for (const char* user : {"referrals", "concerns"}) {
        shell("doveadm -c '" + conf + "' expunge -u " + user +
              " mailbox INBOX all >/dev/null 2>&1");
        shell("doveadm -c '" + conf + "' expunge -u " + user +
              " mailbox Processed all >/dev/null 2>&1");
    }
    for (const char* sub : {"new", "cur", "tmp"}) {
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(Services::get().smtp_maildir + "/" + sub, ec)) {
            fs::remove(e.path(), ec);
        }
    }
}

void deliver(const std::string& user, const std::string& raw) {
    const std::string cmd =
        "doveadm -c '" + Services::get().dovecot_conf + "' save -u " + user + " -m INBOX";
    FILE* p = popen(cmd.c_str(), "w");
    if (!p) throw std::runtime_error("cannot run doveadm save");
    fwrite(raw.data(), 1, raw.size(), p);
    if (pclose(p) != 0) throw std::runtime_error("doveadm save failed for " + user);
}

int imap_count(const std::string& user, const std::string& folder) {
    const std::string cmd = "doveadm -c '" + Services::get().dovecot_conf + "' mailbox status -u " +
                            user + " messages " + folder;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) throw std::runtime_error("cannot run doveadm mailbox status");
    char buf[256] = {};
    const std::size_t n = fread(buf, 1, sizeof buf - 1, p);
    pclose(p);
    const std::string out(buf, n);
    const auto eq = out.find("messages=");
    if (eq == std::string::npos) throw std::runtime_error("doveadm mailbox status said: " + out);
    return std::stoi(out.substr(eq + 9));
}

std::vector<std::string> sent_messages() {
    std::vector<std::pair<fs::file_time_type, std::string>> files;
    std::error_code ec;
    for (const char* sub : {"new", "cur"}) {
        for (const auto& e : fs::directory_iterator(Services::get().smtp_maildir + "/" + sub, ec)) {
            files.emplace_back(fs::last_write_time(e.path()), e.path().string());
        }
    }
    std::sort(files.begin(), files.end());
    std::vector<std::string> out;
    for (const auto& [t, path] : files) {
        out.push_back(read_file(path));
    }
    return out;
}

std::vector<std::string> sent_messages_to(const std::string& address) {
    std::vector<std::string> out;
    for (std::string& m : sent_messages()) {
        const std::size_t to = m.find("\nTo: ");
        if (to == std::string::npos) continue;
        const std::string line = m.substr(to + 1, m.find('\n', to + 1) - to - 1);
        if (line.find(address) != std::string::npos) out.push_back(std::move(m));
    }
    return out;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string source_file(const std::string& relative) {
    return read_file(std::string(CASEGATE_SOURCE_DIR) + "/" + relative);
}

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return pred();
}

int free_port() {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket failed");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        close(fd);
        throw std::runtime_error("cannot find a free port");
    }
    close(fd);
    return ntohs(a.sin_port);
}

int test_port(int offset) {
    if (offset < 60 || offset > 79) throw std::invalid_argument("test ports are base + 60 to 79");
    return std::stoi(env("CASEGATE_PORT_BASE")) + offset;
}

bool port_open(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    return ok;
}

}  // namespace casegate::e2e
