// SECURITY: the configuration file is trusted (root-owned); still, every value is checked and a
// bad one is reported by its key, never ignored. Secret files are read but their contents
// never appear in messages.
#include "common/config.hpp"

#include <cstdlib>
#include <set>
#include <sstream>
#include <toml.hpp>

#include "common/files.hpp"
#include "forms/form.hpp"
#include "net/curl.hpp"

namespace casegate::common {

namespace {

[[noreturn]] void fail(const std::string& key, const std::string& what) {
    throw ConfigError(key + ": " + what);
}

// One TOML table being read: every key taken is remembered so that the rest can be reported
// as unknown.
class Section {
  public:
    Section(const toml::value& v, std::string path) : v_(v), path_(std::move(path)) {
        if (!v_.is_table()) fail(path_, "must be a table");
    }

    std::string key(const std::string& k) const { return path_.empty() ? k : path_ + "." + k; }

    const toml::value* get(const std::string& k) {
        seen_.insert(k);
        const auto& t = v_.as_table();
        const auto it = t.find(k);
        return it == t.end() ? nullptr : &it->second;
    }

    std::optional<std::string> str(const std::string& k) {
        const toml::value* x = get(k);
        if (!x) return std::nullopt;
        if (!x->is_string()) fail(key(k), "must be a string");
        return x->as_string().str;
    }

    std::string required_str(const std::string& k) {
        auto s = str(k);
        if (!s || s->empty()) fail(key(k), "is required");
        return *s;
    }

    std::optional<long long> integer(const std::string& k, long long lo, long long hi) {
        const toml::value* x = get(k);
        if (!x) return std::nullopt;
        if (!x->is_integer()) fail(key(k), "must be an integer");
        const long long n = x->as_integer();
        if (n < lo || n > hi) {
            fail(key(k), "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
        }
        return n;
    }

    std::optional<bool> boolean(const std::string& k) {
        const toml::value* x = get(k);
        if (!x) return std::nullopt;
        if (!x->is_boolean()) fail(key(k), "must be true or false");
        return x->as_boolean();
    }

    // A fraction between lo and hi; an integer (0, 1) is accepted as well as a float.
    std::optional<double> fraction(const std::string& k, double lo, double hi) {
        const toml::value* x = get(k);
        if (!x) return std::nullopt;
        double f = 0;
        if (x->is_floating()) {
            f = x->as_floating();
        } else if (x->is_integer()) {
            f = static_cast<double>(x->as_integer());
        } else {
            fail(key(k), "must be a number");
        }
        if (!(f >= lo && f <= hi)) {
            fail(key(k), "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
        }
        return f;
    }

    std::vector<std::string> str_list(const std::string& k) {
        std::vector<std::string> out;
        const toml::value* x = get(k);
        if (!x) return out;
        if (!x->is_array()) fail(key(k), "must be an array of strings");
        for (const auto& e : x->as_array()) {
            if (!e.is_string()) fail(key(k), "must be an array of strings");
            out.push_back(e.as_string().str);
        }
        return out;
    }

    void finish() const {
        for (const auto& [k, _] : v_.as_table()) {
            if (!seen_.count(k)) fail(key(k), "unknown key");
        }
    }

  private:
    const toml::value& v_;
    std::string path_;
    std::set<std::string> seen_;
};

// A secret named by a path, or by a bare name looked up in systemd's credentials directory.
std::string read_secret(const std::string& where, const std::string& key) {
    std::string path = where;
    const char* creds = std::getenv("CREDENTIALS_DIRECTORY");
    if (where.find('/') == std::string::npos) {
        if (!creds)
            fail(key, "'" + where + "' is not a path and $CREDENTIALS_DIRECTORY is not set");
        path = std::string(creds) + "/" + where;
    }
    const std::optional<std::string> bytes = read_file(path);
    if (!bytes) fail(key, "cannot read " + path);
    std::string s = *bytes;
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    if (s.empty()) fail(key, path + " is empty");
    return s;
}

void check_email(const std::string& addr, const std::string& key) {
    const auto at = addr.find('@');
    const bool bad = at == std::string::npos || at == 0 || at + 1 >= addr.size() ||
                     addr.find_first_of(" \t\r\n<>,;\"\\", 0) != std::string::npos ||
                     addr.find('@', at + 1) != std::string::npos;
    if (bad) fail(key, "'" + addr + "' is not an email address");
}

void read_credentials(Section& s, std::string& password, std::string& token) {
    if (auto f = s.str("password_file")) password = read_secret(*f, s.key("password_file"));
    if (auto f = s.str("oauth2_token_file")) token = read_secret(*f, s.key("oauth2_token_file"));
    if (!password.empty() && !token.empty()) {
        fail(s.key("oauth2_token_file"),
             "give either password_file or oauth2_token_file, not both");
    }
}

MailboxConfig read_mailbox(const toml::value& v, std::size_t i) {
    Section s(v, "mailbox[" + std::to_string(i) + "]");
    MailboxConfig m;
    m.name = s.required_str("name");
    m.url = s.required_str("url");
    const bool imap = m.url.rfind("imaps://", 0) == 0 || m.url.rfind("imap://", 0) == 0;
    if (!imap && !m.is_maildir())
        fail(s.key("url"), "must start with imaps://, imap:// or maildir:");
    if (m.is_maildir() && (m.maildir_path().empty() || m.maildir_path()[0] != '/')) {
        fail(s.key("url"), "maildir: needs an absolute path");
    }
    if (imap) {
        const std::string rest = m.url.substr(m.url.find("://") + 3);
        if (rest.find('/') != std::string::npos)
            fail(s.key("url"), "must not have a path; use folder");
        m.user = s.required_str("user");
        read_credentials(s, m.password, m.oauth2_token);
        if (m.password.empty() && m.oauth2_token.empty()) {
            fail(s.key("password_file"),
                 "an IMAP mailbox needs password_file or oauth2_token_file");
        }
    }
    if (auto f = s.str("folder")) m.folder = *f;
    if (auto f = s.str("processed_folder")) m.processed_folder = *f;
    if (m.folder == m.processed_folder) fail(s.key("processed_folder"), "must differ from folder");
    if (auto n = s.integer("poll_interval", 5, 86400)) m.poll_interval = static_cast<int>(*n);
    s.finish();
    return m;
}

OfficeConfig read_office(const toml::value& v, std::size_t i) {
    Section s(v, "office[" + std::to_string(i) + "]");
    OfficeConfig o;
    o.name = s.required_str("name");
    const forms::LocalOffice* known = forms::find_office_by_name(o.name);
    if (!known) fail(s.key("name"), "'" + o.name + "' is not one of the local offices");
    o.name = std::string(known->name);
    o.designated_body = s.str("designated_body").value_or(std::string(known->designated_body));
    if (o.designated_body != known->designated_body) {
        fail(s.key("designated_body"),
             "must be " + std::string(known->designated_body) + " for " + o.name);
    }
    o.admin_emails = s.str_list("admin_emails");
    if (o.admin_emails.empty()) fail(s.key("admin_emails"), "needs at least one address");
    for (const auto& a : o.admin_emails) check_email(a, s.key("admin_emails"));
    s.finish();
    return o;
}

void read_limits(Section& s, Limits& l) {
    if (auto n = s.integer("max_message_bytes", 64LL * 1024, 1LL << 30)) l.max_message_bytes = *n;
    if (auto n = s.integer("max_header_bytes", 4096, 16 << 20)) l.max_header_bytes = *n;
    if (auto n = s.integer("max_mime_depth", 1, 100)) l.max_mime_depth = static_cast<int>(*n);
    if (auto n = s.integer("max_parts", 1, 10000)) l.max_parts = static_cast<int>(*n);
    if (auto n = s.integer("parse_timeout", 1, 600)) l.parse_timeout = static_cast<int>(*n);
    if (auto n = s.integer("parse_memory_mb", 64, 16384)) l.parse_memory_mb = static_cast<int>(*n);
    if (auto n = s.integer("max_attempts", 1, 100)) l.max_attempts = static_cast<int>(*n);
    s.finish();
}

void read_outbox(Section& s, OutboxConfig& o) {
    if (auto n = s.integer("retry_initial", 1, 86400)) o.retry_initial = static_cast<int>(*n);
    if (auto n = s.integer("retry_max", 1, 7LL * 86400)) o.retry_max = static_cast<int>(*n);
    if (auto n = s.integer("max_attempts", 1, 1000)) o.max_attempts = static_cast<int>(*n);
    if (o.retry_max < o.retry_initial) fail(s.key("retry_max"), "must not be below retry_initial");
    s.finish();
}

void read_smtp(Section& s, SmtpConfig& smtp) {
    smtp.url = s.required_str("url");
    if (smtp.url.rfind("smtps://", 0) != 0 && smtp.url.rfind("smtp://", 0) != 0) {
        fail(s.key("url"), "must start with smtps:// or smtp://");
    }
    smtp.from = s.required_str("from");
    check_email(smtp.from, s.key("from"));
    if (auto n = s.str("from_name")) smtp.from_name = *n;
    if (auto u = s.str("user")) smtp.user = *u;
    read_credentials(s, smtp.password, smtp.oauth2_token);
    s.finish();
}

// An https:// URL, or http:// to a loopback host (test servers), as net::http_* accept.
void check_http_url(const std::string& url, const std::string& key) {
    const bool https = url.rfind("https://", 0) == 0;
    const bool http = url.rfind("http://", 0) == 0;
    if (!https && !http) fail(key, "must start with https://");
    if (http && !net::is_loopback_url(url))
        fail(key, "plain http:// is only allowed to a loopback host");
    if (url.find_first_of(" \t\r\n") != std::string::npos) fail(key, "must not contain blanks");
}

void read_revalidation(Section& s, RevalidationConfig& r) {
    r.enabled = s.boolean("enabled").value_or(true);
    if (auto n = s.integer("interval", 60, 86400)) r.interval = static_cast<int>(*n);
    r.tis_url = s.str("tis_url").value_or("");
    if (!r.tis_url.empty() && !r.is_file_feed()) check_http_url(r.tis_url, s.key("tis_url"));
    if (auto f = s.str("tis_token_file")) r.tis_token = read_secret(*f, s.key("tis_token_file"));
    r.gmc_url = s.str("url").value_or("");
    if (!r.gmc_url.empty()) check_http_url(r.gmc_url, s.key("url"));
    r.gmc_username = s.str("username").value_or("");
    if (auto f = s.str("password_file")) r.gmc_password = read_secret(*f, s.key("password_file"));
    if (auto n = s.str("namespace")) {
        if (n->empty()) fail(s.key("namespace"), "must not be empty");
        r.gmc_namespace = *n;
    }
    if (auto a = s.str("soap_action")) r.gmc_soap_action = *a;
    if (auto u = s.str("internal_user")) {
        if (u->empty()) fail(s.key("internal_user"), "must not be empty");
        r.internal_user = *u;
    }
    if (auto f = s.str("ca_file")) {
        if (!read_file(*f)) fail(s.key("ca_file"), "cannot read " + *f);
        r.ca_file = *f;
    }
    if (auto n = s.integer("timeout", 5, 3600)) r.timeout = static_cast<int>(*n);
    if (auto f = s.fraction("max_shrink_fraction", 0.0, 1.0)) r.max_shrink_fraction = *f;
    if (auto n = s.integer("min_previous_rows", 0, 10000000)) {
        r.min_previous_rows = static_cast<int>(*n);
    }
    if (auto f = s.fraction("max_error_fraction", 0.0, 1.0)) r.max_error_fraction = *f;
    if (auto n = s.integer("retry_initial", 1, 86400)) r.retry_initial = static_cast<int>(*n);
    if (auto n = s.integer("retry_max", 1, 7LL * 86400)) r.retry_max = static_cast<int>(*n);
    if (r.retry_max < r.retry_initial) fail(s.key("retry_max"), "must not be below retry_initial");
    if (auto n = s.integer("requests_per_turn", 1, 1000)) {
        r.requests_per_turn = static_cast<int>(*n);
    }
    if (auto n = s.integer("max_listed", 1, 100000)) r.max_listed = static_cast<int>(*n);
    s.finish();
    if (!r.enabled) return;
    // Only a switched-on check needs its feeds; a switched-off section may be half written.
    if (r.tis_url.empty()) fail(s.key("tis_url"), "is required");
    if (r.gmc_url.empty()) fail(s.key("url"), "is required (the GMC Connect endpoint)");
    if (r.gmc_username.empty()) fail(s.key("username"), "is required");
    if (r.gmc_password.empty()) fail(s.key("password_file"), "is required");
}

std::string read_database(Section& s) {
    std::string conninfo = s.required_str("conninfo");
    if (auto f = s.str("password_file")) {
        std::string pw = read_secret(*f, s.key("password_file"));
        std::string quoted;
        for (char c : pw) {
            if (c == '\'' || c == '\\') quoted += '\\';
            quoted += c;
        }
        conninfo += " password='" + quoted + "'";
    }
    s.finish();
    return conninfo;
}

}  // namespace

const OfficeConfig* Config::office(const std::string& name) const {
    for (const auto& o : offices) {
        if (o.name == name) return &o;
    }
    return nullptr;
}

const OfficeConfig* Config::office_of_body(const std::string& code) const {
    for (const auto& o : offices) {
        if (o.designated_body == code) return &o;
    }
    return nullptr;
}

Config parse_config(const std::string& text, const std::string& origin) {
    toml::value root;
    try {
        std::istringstream in(text);
        root = toml::parse(in, origin);
    } catch (const std::exception& e) {
        throw ConfigError(std::string("syntax error: ") + e.what());
    }
    Config c;
    Section top(root, "");
    if (const toml::value* v = top.get("database")) {
        Section s(*v, "database");
        c.database_conninfo = read_database(s);
    } else {
        fail("database", "section is required");
    }
    if (const toml::value* v = top.get("smtp")) {
        Section s(*v, "smtp");
        read_smtp(s, c.smtp);
    } else {
        fail("smtp", "section is required");
    }
    if (const toml::value* v = top.get("mailbox")) {
        if (!v->is_array()) fail("mailbox", "must be written as [[mailbox]] tables");
        std::set<std::string> names;
        for (std::size_t i = 0; i < v->as_array().size(); ++i) {
            c.mailboxes.push_back(read_mailbox(v->as_array()[i], i));
            if (!names.insert(c.mailboxes.back().name).second) {
                fail("mailbox[" + std::to_string(i) + "].name", "duplicate mailbox name");
            }
        }
    }
    if (const toml::value* v = top.get("office")) {
        if (!v->is_array()) fail("office", "must be written as [[office]] tables");
        for (std::size_t i = 0; i < v->as_array().size(); ++i) {
            c.offices.push_back(read_office(v->as_array()[i], i));
        }
    }
    if (c.offices.empty()) fail("office", "at least one [[office]] is required");
    if (const toml::value* v = top.get("routing")) {
        Section s(*v, "routing");
        c.default_office = s.required_str("default_office");
        if (auto b = s.boolean("include_details_in_alert")) c.include_details_in_alert = *b;
        s.finish();
        if (!c.office(c.default_office)) {
            fail("routing.default_office",
                 "'" + c.default_office + "' is not a configured [[office]]");
        }
    } else {
        fail("routing", "section is required (default_office)");
    }
    if (const toml::value* v = top.get("limits")) {
        Section s(*v, "limits");
        read_limits(s, c.limits);
    }
    if (const toml::value* v = top.get("outbox")) {
        Section s(*v, "outbox");
        read_outbox(s, c.outbox);
    }
    if (const toml::value* v = top.get("revalidation")) {
        Section s(*v, "revalidation");
        read_revalidation(s, c.revalidation);
    }
    if (const toml::value* v = top.get("log")) {
        Section s(*v, "log");
        if (auto l = s.str("level")) c.log_level = *l;
        static const std::set<std::string> levels = {"trace", "debug", "info", "warn", "error"};
        if (!levels.count(c.log_level))
            fail("log.level", "must be one of trace, debug, info, warn, error");
        s.finish();
    }
    top.finish();
    return c;
}

Config load_config(const std::string& path) {
    const std::optional<std::string> text = read_file(path);
    if (!text) throw ConfigError(path + ": cannot read the configuration file");
    return parse_config(*text, path);
}

}  // namespace casegate::common
