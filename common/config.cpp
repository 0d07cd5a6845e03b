// SECURITY: the configuration file is trusted (root-owned); still, every value is checked and a
// bad one is reported by its key, never ignored. Secret files are read but their contents
// never appear in messages.
//
// The settings table (settings.cpp) says which keys exist and what each may hold; this file
// checks every value against it, and then takes the values into the structs, adding the checks
// that span keys (an IMAP URL has no path, retry_max is not below retry_initial, ...).
#include "common/config.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <sstream>
#include <toml.hpp>

#include "common/files.hpp"
#include "forms/form.hpp"
#include "net/curl.hpp"

namespace casegate::common {

namespace {

using T = SettingType;
using Values = std::map<std::string, std::string>;

[[noreturn]] void fail(const std::string& key, const std::string& what) {
    throw ConfigError(key + ": " + what);
}

std::string lower_ascii(std::string s) {
    for (char& ch : s) {
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    }
    return s;
}

std::vector<std::string_view> words(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t j = std::min(s.find(' ', i), s.size());
        if (j > i) out.push_back(s.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

void check_email(const std::string& addr, const std::string& key) {
    const auto at = addr.find('@');
    const bool bad = at == std::string::npos || at == 0 || at + 1 >= addr.size() ||
                     addr.find_first_of(" \t\r\n<>,;\"\\", 0) != std::string::npos ||
                     addr.find('@', at + 1) != std::string::npos;
    if (bad) fail(key, "'" + addr + "' is not an email address");
}

// HOST:PORT or [IPv6]:PORT.
void check_listen(const std::string& v, const std::string& key) {
    const auto colon = v.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == v.size())
        fail(key, "must be HOST:PORT");
    const std::string host = v.substr(0, colon);
    const std::string port = v.substr(colon + 1);
    const bool bracketed = host.front() == '[';
    if (bracketed != (host.back() == ']') || (bracketed && host.size() < 3) ||
        (!bracketed && host.find(':') != std::string::npos)) {
        fail(key, "must be HOST:PORT, with an IPv6 address in brackets");
    }
    if (host.find_first_of(" \t\r\n/") != std::string::npos) fail(key, "must be HOST:PORT");
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(port) < 1 || std::stoi(port) > 65535) {
        fail(key, "port must be between 1 and 65535");
    }
}

// The TOML value as the table describes it, or a ConfigError naming the key. Secrets are not
// read here.
void check_value(const toml::value& x, const Setting& s, const std::string& key) {
    switch (s.type) {
        case T::integer: {
            if (!x.is_integer()) fail(key, "must be an integer");
            const auto n = static_cast<double>(x.as_integer());
            if (n < s.min || n > s.max) {
                fail(key,
                     "must be between " + format_number(s.min) + " and " + format_number(s.max));
            }
            return;
        }
        case T::fraction: {
            double f = 0;
            if (x.is_floating()) {
                f = x.as_floating();
            } else if (x.is_integer()) {
                f = static_cast<double>(x.as_integer());
            } else {
                fail(key, "must be a number");
            }
            if (!(f >= s.min && f <= s.max)) {
                fail(key,
                     "must be between " + format_number(s.min) + " and " + format_number(s.max));
            }
            return;
        }
        case T::boolean:
            if (!x.is_boolean()) fail(key, "must be true or false");
            return;
        case T::string_list:
        case T::email_list: {
            if (!x.is_array()) fail(key, "must be an array of strings");
            for (const auto& e : x.as_array()) {
                if (!e.is_string()) fail(key, "must be an array of strings");
                if (s.type == T::email_list) check_email(e.as_string().str, key);
            }
            const auto n = static_cast<double>(x.as_array().size());
            if (n < s.min) {
                fail(key, s.type == T::email_list && s.min == 1
                              ? std::string("needs at least one address")
                              : "must have at least " + format_number(s.min) + " entries");
            }
            return;
        }
        case T::string:
        case T::secret_file:
        case T::url:
        case T::enumeration:
        case T::email:
        case T::listen:
        case T::path:
            break;
    }
    if (!x.is_string()) fail(key, "must be a string");
    const std::string& v = x.as_string().str;
    if (v.empty()) {
        if (s.need == Need::required) fail(key, "is required");
        if (s.type != T::string) fail(key, "must not be empty");
    }
    switch (s.type) {
        case T::string:
            if (static_cast<double>(v.size()) < s.min) fail(key, "must not be empty");
            return;
        case T::secret_file:
            if (v.find('\0') != std::string::npos) fail(key, "is not a file name");
            return;
        case T::url: {
            const auto schemes = words(s.choices);
            const bool known = std::any_of(schemes.begin(), schemes.end(),
                                           [&](std::string_view p) { return v.starts_with(p); });
            if (!known) {
                std::string list;
                for (std::size_t i = 0; i < schemes.size(); ++i) {
                    if (i > 0) list += i + 1 == schemes.size() ? " or " : ", ";
                    list += schemes[i];
                }
                fail(key, "must start with " + list);
            }
            if (v.find_first_of(" \t\r\n") != std::string::npos)
                fail(key, "must not contain blanks");
            return;
        }
        case T::enumeration: {
            const auto choices = words(s.choices);
            if (std::find(choices.begin(), choices.end(), v) == choices.end()) {
                std::string list;
                for (std::size_t i = 0; i < choices.size(); ++i) {
                    if (i > 0) list += ", ";
                    list += choices[i];
                }
                fail(key, "must be one of " + list);
            }
            return;
        }
        case T::email:
            check_email(v, key);
            return;
        case T::listen:
            check_listen(v, key);
            return;
        case T::path:
            if (v[0] != '/' || v.find('\0') != std::string::npos)
                fail(key, "must be an absolute path");
            return;
        default:
            return;
    }
}

// A checked value as text, for Config::values.
std::string canonical(const toml::value& x, const Setting& s) {
    switch (s.type) {
        case T::integer:
            return std::to_string(x.as_integer());
        case T::fraction:
            return format_number(x.is_floating() ? x.as_floating()
                                                 : static_cast<double>(x.as_integer()));
        case T::boolean:
            return x.as_boolean() ? "true" : "false";
        case T::string_list:
        case T::email_list: {
            std::string out;
            for (const auto& e : x.as_array()) {
                if (!out.empty()) out += ", ";
                out += e.as_string().str;
            }
            return out;
        }
        default:
            return x.as_string().str;
    }
}

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

std::vector<const SectionInfo*> children_of(const SectionInfo& info) {
    std::vector<const SectionInfo*> out;
    const std::string prefix = std::string(info.name) + ".";
    for (const SectionInfo& s : config_sections()) {
        if (s.name.starts_with(prefix) && s.name.find('.', prefix.size()) == std::string::npos)
            out.push_back(&s);
    }
    return out;
}

std::string indexed(const std::string& path, std::size_t i) {
    return path + "[" + std::to_string(i) + "]";
}

// One TOML table of a section. Constructing it checks every key against the table: unknown
// keys, types, bounds and required keys are errors naming the key. Loading, the caller then
// takes each value (given or defaulted), which also records it in Config::values; finish()
// makes sure every key of the table was taken (a key config.cpp forgets is a programming
// error, reported by any test that loads the section).
class Section {
  public:
    Section(const toml::value& v, const SectionInfo& info, std::string path, Values* values)
        : v_(v), info_(info), path_(std::move(path)), values_(values) {
        if (!v_.is_table()) fail(path_, "must be a table");
        const auto& t = v_.as_table();
        for (const Setting& s : config_settings()) {
            if (s.section != info_.name) continue;
            const auto it = t.find(std::string(s.key));
            if (it != t.end()) {
                check_value(it->second, s, key(s.key));
            } else if (s.need == Need::required) {
                fail(key(s.key), "is required");
            }
        }
        std::vector<std::string> names;
        for (const auto& [k, _] : t) names.push_back(k);
        std::sort(names.begin(), names.end());
        for (const auto& k : names) {
            if (find_setting(info_.name, k)) continue;
            const SectionInfo* child = child_info(k);
            if (!child) fail(key(k), "unknown key");
            if (!values_) check_children(t.at(k), *child, key(k));
        }
    }

    std::string key(std::string_view k) const { return path_ + "." + std::string(k); }

    bool has(std::string_view k) const { return v_.as_table().count(std::string(k)) != 0; }

    std::string str(std::string_view k) {
        const Setting& s =
            take(k, {T::string, T::url, T::enumeration, T::email, T::listen, T::path});
        if (const toml::value* x = find(k)) return x->as_string().str;
        return std::string(s.default_value);
    }

    long long integer(std::string_view k) {
        const Setting& s = take(k, {T::integer});
        if (const toml::value* x = find(k)) return x->as_integer();
        return std::stoll(std::string(s.default_value));
    }

    double fraction(std::string_view k) {
        const Setting& s = take(k, {T::fraction});
        if (const toml::value* x = find(k))
            return x->is_floating() ? x->as_floating() : static_cast<double>(x->as_integer());
        return std::stod(std::string(s.default_value));
    }

    bool boolean(std::string_view k) {
        const Setting& s = take(k, {T::boolean});
        if (const toml::value* x = find(k)) return x->as_boolean();
        return s.default_value == "true";
    }

    std::vector<std::string> list(std::string_view k) {
        take(k, {T::string_list, T::email_list});
        std::vector<std::string> out;
        if (const toml::value* x = find(k)) {
            for (const auto& e : x->as_array()) out.push_back(e.as_string().str);
        }
        return out;
    }

    /// The secret from the file the key names, or "" when the key is not given.
    std::string secret(std::string_view k) {
        take(k, {T::secret_file});
        const toml::value* x = find(k);
        return x ? read_secret(x->as_string().str, key(k)) : std::string();
    }

    /// A key that does not apply here (`why`): an error if given.
    void unused(std::string_view k, const std::string& why) {
        take(k, {});
        if (has(k)) fail(key(k), why);
    }

    /// Records a value computed from the given one (a default that depends on other keys).
    void record(std::string_view k, const std::string& value) {
        if (values_) (*values_)[key(k)] = value;
    }

    /// The entries of the array section `k` (office.staff in an [[office]]), or none.
    const toml::value* child(std::string_view k) {
        if (!child_info(k)) throw std::logic_error("config: no section " + key(k));
        asked_.insert(std::string(k));
        return find(k);
    }

    void finish() const {
        for (const Setting& s : config_settings()) {
            if (s.section == info_.name && !asked_.count(std::string(s.key)))
                throw std::logic_error("config.cpp does not read " + key(s.key));
        }
        for (const SectionInfo* c : children_of(info_)) {
            const std::string k(c->name.substr(info_.name.size() + 1));
            if (!asked_.count(k)) throw std::logic_error("config.cpp does not read " + key(k));
        }
    }

    // Checks a section without loading it (a program that does not use it): no secret is
    // read and no value is kept.
    static void check(const toml::value& v, const SectionInfo& info, const std::string& path) {
        const Section checked(v, info, path, nullptr);
        (void)checked;
    }

    // The same for the entries of an array section.
    static void check_children(const toml::value& v, const SectionInfo& info,
                               const std::string& path) {
        if (!v.is_array()) fail(path, "must be written as " + section_header(info) + " tables");
        for (std::size_t i = 0; i < v.as_array().size(); ++i)
            check(v.as_array()[i], info, indexed(path, i));
    }

  private:
    const toml::value* find(std::string_view k) const {
        const auto& t = v_.as_table();
        const auto it = t.find(std::string(k));
        return it == t.end() ? nullptr : &it->second;
    }

    const SectionInfo* child_info(std::string_view k) const {
        return find_section(std::string(info_.name) + "." + std::string(k));
    }

    const Setting& take(std::string_view k, std::initializer_list<SettingType> types) {
        const Setting* s = find_setting(info_.name, k);
        if (!s) throw std::logic_error("config: no setting " + key(k));
        if (types.size() && std::find(types.begin(), types.end(), s->type) == types.end())
            throw std::logic_error("config: " + key(k) + " is read as another type");
        asked_.insert(std::string(k));
        if (values_) {
            if (const toml::value* x = find(k)) {
                (*values_)[key(k)] = canonical(*x, *s);
            } else if (!s->default_value.empty()) {
                (*values_)[key(k)] = std::string(s->default_value);
            }
        }
        return *s;
    }

    const toml::value& v_;
    const SectionInfo& info_;
    std::string path_;
    Values* values_;  ///< null: only checked, not loaded
    std::set<std::string> asked_;
};

void read_credentials(Section& s, std::string& password, std::string& token) {
    password = s.secret("password_file");
    token = s.secret("oauth2_token_file");
    if (!password.empty() && !token.empty()) {
        fail(s.key("oauth2_token_file"),
             "give either password_file or oauth2_token_file, not both");
    }
}

// An https:// URL, or http:// to a loopback host (test servers), as net::http_* accept.
void check_http_url(const std::string& url, const std::string& key) {
    if (url.rfind("http://", 0) == 0 && !net::is_loopback_url(url))
        fail(key, "plain http:// is only allowed to a loopback host");
}

std::string read_database(Section& s) {
    std::string conninfo = s.str("conninfo");
    const std::string pw = s.secret("password_file");
    if (!pw.empty()) {
        std::string quoted;
        for (char c : pw) {
            if (c == '\'' || c == '\\') quoted += '\\';
            quoted += c;
        }
        conninfo += " password='" + quoted + "'";
    }
    return conninfo;
}

void read_smtp(Section& s, SmtpConfig& smtp) {
    smtp.url = s.str("url");
    smtp.from = s.str("from");
    smtp.from_name = s.str("from_name");
    smtp.user = s.str("user");
    read_credentials(s, smtp.password, smtp.oauth2_token);
}

MailboxConfig read_mailbox(Section& s) {
    MailboxConfig m;
    m.name = s.str("name");
    m.url = s.str("url");
    if (m.is_maildir() && (m.maildir_path().empty() || m.maildir_path()[0] != '/')) {
        fail(s.key("url"), "maildir: needs an absolute path");
    }
    if (m.is_maildir()) {
        const std::string why = "is not used by a maildir: mailbox";
        s.unused("user", why);
        s.unused("password_file", why);
        s.unused("oauth2_token_file", why);
    } else {
        const std::string rest = m.url.substr(m.url.find("://") + 3);
        if (rest.find('/') != std::string::npos)
            fail(s.key("url"), "must not have a path; use folder");
        m.user = s.str("user");
        if (m.user.empty()) fail(s.key("user"), "is required");
        read_credentials(s, m.password, m.oauth2_token);
        if (m.password.empty() && m.oauth2_token.empty()) {
            fail(s.key("password_file"),
                 "an IMAP mailbox needs password_file or oauth2_token_file");
        }
    }
    m.folder = s.str("folder");
    m.processed_folder = s.str("processed_folder");
    if (m.folder == m.processed_folder) fail(s.key("processed_folder"), "must differ from folder");
    m.poll_interval = static_cast<int>(s.integer("poll_interval"));
    return m;
}

FormEndpointConfig read_form_endpoint(Section& s) {
    FormEndpointConfig f;
    f.name = s.str("name");
    f.url = s.str("url");
    check_http_url(f.url, s.key("url"));
    f.token = s.secret("token_file");
    f.poll_interval = static_cast<int>(s.integer("poll_interval"));
    return f;
}

StaffConfig read_staff(Section& s) {
    StaffConfig m;
    m.name = s.str("name");
    m.email = s.str("email");
    m.role = s.str("role") == "admin" ? StaffRole::admin : StaffRole::case_manager;
    return m;
}

OfficeConfig read_office(Section& s, Values& values) {
    OfficeConfig o;
    o.name = s.str("name");
    const forms::LocalOffice* known = forms::find_office_by_name(o.name);
    if (!known) fail(s.key("name"), "'" + o.name + "' is not one of the local offices");
    o.name = std::string(known->name);
    s.record("name", o.name);
    o.designated_body = s.str("designated_body");
    if (o.designated_body.empty()) o.designated_body = std::string(known->designated_body);
    if (o.designated_body != known->designated_body) {
        fail(s.key("designated_body"),
             "must be " + std::string(known->designated_body) + " for " + o.name);
    }
    s.record("designated_body", o.designated_body);
    o.admin_emails = s.list("admin_emails");
    if (const toml::value* v = s.child("staff")) {
        const SectionInfo& info = *find_section("office.staff");
        if (!v->is_array()) fail(s.key("staff"), "must be written as [[office.staff]] tables");
        for (std::size_t j = 0; j < v->as_array().size(); ++j) {
            Section m(v->as_array()[j], info, indexed(s.key("staff"), j), &values);
            o.staff.push_back(read_staff(m));
            m.finish();
        }
    }
    return o;
}

void read_routing(Section& s, Config& c) {
    c.default_office = s.str("default_office");
    c.include_details_in_alert = s.boolean("include_details_in_alert");
    if (!c.office(c.default_office)) {
        fail(s.key("default_office"), "'" + c.default_office + "' is not a configured [[office]]");
    }
}

void read_limits(Section& s, Limits& l) {
    l.max_message_bytes = static_cast<std::size_t>(s.integer("max_message_bytes"));
    l.max_header_bytes = static_cast<std::size_t>(s.integer("max_header_bytes"));
    l.max_mime_depth = static_cast<int>(s.integer("max_mime_depth"));
    l.max_parts = static_cast<int>(s.integer("max_parts"));
    l.parse_timeout = static_cast<int>(s.integer("parse_timeout"));
    l.parse_memory_mb = static_cast<int>(s.integer("parse_memory_mb"));
    l.max_attempts = static_cast<int>(s.integer("max_attempts"));
}

void read_outbox(Section& s, OutboxConfig& o) {
    o.retry_initial = static_cast<int>(s.integer("retry_initial"));
    o.retry_max = static_cast<int>(s.integer("retry_max"));
    o.max_attempts = static_cast<int>(s.integer("max_attempts"));
    if (o.retry_max < o.retry_initial) fail(s.key("retry_max"), "must not be below retry_initial");
}

void read_revalidation(Section& s, RevalidationConfig& r) {
    r.enabled = s.boolean("enabled");
    r.interval = static_cast<int>(s.integer("interval"));
    r.tis_url = s.str("tis_url");
    if (!r.tis_url.empty() && !r.is_file_feed()) check_http_url(r.tis_url, s.key("tis_url"));
    r.tis_token = s.secret("tis_token_file");
    r.gmc_url = s.str("url");
    if (!r.gmc_url.empty()) check_http_url(r.gmc_url, s.key("url"));
    r.gmc_username = s.str("username");
    r.gmc_password = s.secret("password_file");
    r.gmc_namespace = s.str("namespace");
    r.gmc_soap_action = s.str("soap_action");
    r.internal_user = s.str("internal_user");
    r.ca_file = s.str("ca_file");
    if (!r.ca_file.empty() && !read_file(r.ca_file))
        fail(s.key("ca_file"), "cannot read " + r.ca_file);
    r.timeout = static_cast<int>(s.integer("timeout"));
    r.max_shrink_fraction = s.fraction("max_shrink_fraction");
    r.min_previous_rows = static_cast<int>(s.integer("min_previous_rows"));
    r.max_error_fraction = s.fraction("max_error_fraction");
    r.retry_initial = static_cast<int>(s.integer("retry_initial"));
    r.retry_max = static_cast<int>(s.integer("retry_max"));
    if (r.retry_max < r.retry_initial) fail(s.key("retry_max"), "must not be below retry_initial");
    r.requests_per_turn = static_cast<int>(s.integer("requests_per_turn"));
    r.max_listed = static_cast<int>(s.integer("max_listed"));
    if (!r.enabled) return;
    // Only a switched-on check needs its feeds; a switched-off section may be half written.
    if (r.tis_url.empty()) fail(s.key("tis_url"), "is required");
    if (r.gmc_url.empty()) fail(s.key("url"), "is required (the GMC Connect endpoint)");
    if (r.gmc_username.empty()) fail(s.key("username"), "is required");
    if (r.gmc_password.empty()) fail(s.key("password_file"), "is required");
}

void read_console(Section& s, ConsoleConfig& c) {
    c.listen = s.str("listen");
    c.base_url = s.str("base_url");
    check_http_url(c.base_url, s.key("base_url"));
}

void read_form_service(Section& s, FormServiceConfig& f) {
    f.listen = s.str("listen");
    f.spool_dir = s.str("spool_dir");
    f.pull_token = s.secret("pull_token_file");
    f.max_body_bytes = static_cast<std::size_t>(s.integer("max_body_bytes"));
    f.max_documents = static_cast<int>(s.integer("max_documents"));
    f.max_document_bytes = static_cast<std::size_t>(s.integer("max_document_bytes"));
    f.rate_limit_per_address = static_cast<int>(s.integer("rate_limit_per_address"));
    if (f.max_document_bytes > f.max_body_bytes)
        fail(s.key("max_document_bytes"), "must not be above max_body_bytes");
}

// Loads one entry of a top-level section into c.
void load(const SectionInfo& info, Section& s, Config& c) {
    const std::string_view n = info.name;
    if (n == "database") {
        c.database_conninfo = read_database(s);
    } else if (n == "smtp") {
        read_smtp(s, c.smtp);
    } else if (n == "mailbox") {
        c.mailboxes.push_back(read_mailbox(s));
    } else if (n == "form_endpoint") {
        c.form_endpoints.push_back(read_form_endpoint(s));
    } else if (n == "office") {
        c.offices.push_back(read_office(s, c.values));
    } else if (n == "routing") {
        read_routing(s, c);
    } else if (n == "limits") {
        read_limits(s, c.limits);
    } else if (n == "outbox") {
        read_outbox(s, c.outbox);
    } else if (n == "revalidation") {
        read_revalidation(s, c.revalidation);
    } else if (n == "console") {
        read_console(s, c.console);
    } else if (n == "form_service") {
        read_form_service(s, c.form_service);
    } else if (n == "log") {
        c.log_level = s.str("level");
    } else {
        throw std::logic_error("config.cpp does not read [" + std::string(n) + "]");
    }
    s.finish();
}

// Checks that span entries: source names, and staff addresses across offices.
void check_across(const Config& c) {
    std::map<std::string, std::string> sources;
    for (std::size_t i = 0; i < c.mailboxes.size(); ++i)
        sources.emplace(c.mailboxes[i].name, indexed("mailbox", i));
    if (sources.size() < c.mailboxes.size()) {
        std::set<std::string> seen;
        for (std::size_t i = 0; i < c.mailboxes.size(); ++i) {
            if (!seen.insert(c.mailboxes[i].name).second)
                fail(indexed("mailbox", i) + ".name", "duplicate mailbox name");
        }
    }
    for (std::size_t i = 0; i < c.form_endpoints.size(); ++i) {
        const std::string key = indexed("form_endpoint", i);
        const auto [it, added] = sources.emplace(c.form_endpoints[i].name, key);
        if (!added) fail(key + ".name", "duplicate source name (also " + it->second + ".name)");
    }
    std::map<std::string, std::string> staff;  // lower-cased address -> its key
    for (std::size_t i = 0; i < c.offices.size(); ++i) {
        for (std::size_t j = 0; j < c.offices[i].staff.size(); ++j) {
            const std::string key = indexed(indexed("office", i) + ".staff", j) + ".email";
            const auto [it, added] = staff.emplace(lower_ascii(c.offices[i].staff[j].email), key);
            if (!added) {
                fail(key, "'" + c.offices[i].staff[j].email + "' is already " + it->second +
                              " (addresses are compared ignoring case)");
            }
        }
    }
}

// "office[0].staff[1].role" -> its row of the table.
const Setting* setting_of(const std::string& full) {
    const auto dot = full.rfind('.');
    if (dot == std::string::npos) return nullptr;
    std::string section;
    bool in_index = false;
    for (const char ch : std::string_view(full).substr(0, dot)) {
        if (ch == '[') in_index = true;
        if (!in_index) section += ch;
        if (ch == ']') in_index = false;
    }
    return find_setting(section, std::string_view(full).substr(dot + 1));
}

// Puts the running value of a changed key that needs a restart back into fresh.
void keep_running(const Setting& s, const Config& running, Config& fresh) {
    if (s.section == "database") {
        // conninfo holds both keys: the running one stays whole.
        fresh.database_conninfo = running.database_conninfo;
    } else if (s.section == "console" && s.key == "listen") {
        fresh.console.listen = running.console.listen;
    } else if (s.section == "form_service" && s.key == "listen") {
        fresh.form_service.listen = running.form_service.listen;
    } else if (s.section == "form_service" && s.key == "spool_dir") {
        fresh.form_service.spool_dir = running.form_service.spool_dir;
    } else {
        throw std::logic_error("config: no way to keep the running value of " +
                               std::string(s.section) + "." + std::string(s.key));
    }
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

Config parse_config(const std::string& text, const std::string& origin, Program program) {
    toml::value root;
    try {
        std::istringstream in(text);
        root = toml::parse(in, origin);
    } catch (const std::exception& e) {
        throw ConfigError(std::string("syntax error: ") + e.what());
    }
    const auto& top = root.as_table();
    std::vector<std::string> names;
    for (const auto& [k, _] : top) names.push_back(k);
    std::sort(names.begin(), names.end());
    for (const auto& k : names) {
        const SectionInfo* info = find_section(k);
        if (!info || k.find('.') != std::string::npos) {
            const toml::value& v = top.at(k);
            fail(k, v.is_table() || v.is_array() ? "unknown section" : "unknown key");
        }
    }
    Config c;
    c.program = program;
    for (const SectionInfo& info : config_sections()) {
        if (info.name.find('.') != std::string_view::npos) continue;  // read with its parent
        const std::string name(info.name);
        const auto it = top.find(name);
        const toml::value* v = it == top.end() ? nullptr : &it->second;
        if (!section_used_by(info, program)) {
            if (!v) continue;
            if (program == Program::form_service) {
                fail(name,
                     "is not read by the form service: its file has only [form_service] "
                     "and [log]");
            }
            if (info.array) {
                Section::check_children(*v, info, name);
            } else {
                Section::check(*v, info, name);
            }
            continue;
        }
        std::size_t entries = 0;
        if (v && info.array) {
            if (!v->is_array())
                fail(name, "must be written as " + section_header(info) + " tables");
            for (std::size_t i = 0; i < v->as_array().size(); ++i) {
                Section s(v->as_array()[i], info, indexed(name, i), &c.values);
                load(info, s, c);
            }
            entries = v->as_array().size();
        } else if (v) {
            Section s(*v, info, name, &c.values);
            load(info, s, c);
            entries = 1;
        }
        if (entries == 0 && section_required_by(info, program)) {
            fail(name, info.array ? "at least one " + section_header(info) + " is required"
                                  : std::string("section is required"));
        }
    }
    check_across(c);
    return c;
}

Config load_config(const std::string& path, Program program) {
    const std::optional<std::string> text = read_file(path);
    if (!text) throw ConfigError(path + ": cannot read the configuration file");
    return parse_config(*text, path, program);
}

std::vector<ConfigChange> changed_keys(const Config& running, const Config& fresh) {
    std::vector<ConfigChange> out;
    auto add = [&](const std::string& key) {
        const Setting* s = setting_of(key);
        if (!s) throw std::logic_error("config: no setting for " + key);
        out.push_back({key, s});
    };
    auto a = running.values.begin();
    auto b = fresh.values.begin();
    while (a != running.values.end() || b != fresh.values.end()) {
        if (b == fresh.values.end() || (a != running.values.end() && a->first < b->first)) {
            add((a++)->first);
        } else if (a == running.values.end() || b->first < a->first) {
            add((b++)->first);
        } else {
            if (a->second != b->second) add(a->first);
            ++a;
            ++b;
        }
    }
    return out;
}

ReloadPlan plan_reload(const Config& running, Config& fresh) {
    if (running.program != fresh.program)
        throw std::logic_error("config: a reload compares configurations of one program");
    ReloadPlan plan;
    for (const ConfigChange& ch : changed_keys(running, fresh)) {
        if (ch.setting->reload == Reload::applies) {
            plan.applied.push_back(ch.key);
            continue;
        }
        keep_running(*ch.setting, running, fresh);
        const auto was = running.values.find(ch.key);
        if (was == running.values.end()) {
            fresh.values.erase(ch.key);
        } else {
            fresh.values[ch.key] = was->second;
        }
        plan.kept.push_back(ch.key);
    }
    return plan;
}

}  // namespace casegate::common
