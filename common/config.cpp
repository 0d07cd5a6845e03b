// SECURITY: the configuration file is trusted (root-owned); still, every value is checked and a
// bad one is reported by its key, never ignored. Secret files are read but their contents
// never appear in messages.
//
// The settings table (settings.cpp) says which keys exist and what each may hold;
// config_section.cpp checks every value against it; this file takes the values into the
// structs, adding the checks that span keys (an IMAP URL has no path, retry_max is not below
// retry_initial, ...). Reloads are compared in config_reload.cpp.
#include "common/config.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <sstream>
#include <toml.hpp>

#include "common/config_section.hpp"
#include "common/files.hpp"
#include "forms/form.hpp"
#include "net/curl.hpp"
#include "revalidation/model.hpp"
#include "util/strings.hpp"

namespace casegate::common {

using namespace detail;

namespace {

// One way to sign in: password_file, oauth2_token_file or oauth2 (a [[oauth2]] client, checked
// in check_across).
void read_credentials(Section& s, std::string& password, std::string& token, std::string& client) {
    password = s.secret("password_file");
    token = s.secret("oauth2_token_file");
    client = s.str("oauth2");
    const int ways = static_cast<int>(!password.empty()) + static_cast<int>(!token.empty()) +
                     static_cast<int>(!client.empty());
    if (ways > 1) {
        fail(s.key(client.empty() ? "oauth2_token_file" : "oauth2"),
             "give one of password_file, oauth2_token_file and oauth2");
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

// The console writes notifications for the daemon to send: it needs the sender, never the
// credentials.
void read_smtp(Section& s, SmtpConfig& smtp, Program program) {
    smtp.url = s.str("url");
    smtp.from = s.str("from");
    smtp.from_name = s.str("from_name");
    smtp.user = s.str("user");
    if (program == Program::daemon) {
        read_credentials(s, smtp.password, smtp.oauth2_token, smtp.oauth2);
    } else {
        s.secret_unread("password_file");
        s.secret_unread("oauth2_token_file");
        s.str("oauth2");
    }
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
        s.unused("oauth2", why);
    } else {
        const std::string rest = m.url.substr(m.url.find("://") + 3);
        if (rest.find('/') != std::string::npos)
            fail(s.key("url"), "must not have a path; use folder");
        m.user = s.str("user");
        if (m.user.empty()) fail(s.key("user"), "is required");
        read_credentials(s, m.password, m.oauth2_token, m.oauth2);
        if (m.password.empty() && m.oauth2_token.empty() && m.oauth2.empty()) {
            fail(s.key("password_file"),
                 "an IMAP mailbox needs password_file, oauth2_token_file or oauth2");
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

OAuth2Config read_oauth2(Section& s) {
    OAuth2Config o;
    o.name = s.str("name");
    o.token_url = s.str("token_url");
    check_http_url(o.token_url, s.key("token_url"));
    o.client_id = s.str("client_id");
    o.client_secret = s.secret("client_secret_file");
    o.client_secret_expires = s.str("client_secret_expires");
    if (!o.client_secret_expires.empty() && !revalidation::Date::parse(o.client_secret_expires))
        fail(s.key("client_secret_expires"), "must be a date written YYYY-MM-DD");
    o.warn_days = static_cast<int>(s.integer("warn_days"));
    o.refresh_token = s.secret("refresh_token_file");
    o.refresh_token_store = s.str("refresh_token_store");
    o.scope = s.str("scope");
    if (o.refresh_token.empty() && o.client_secret.empty()) {
        fail(s.key("client_secret_file"),
             "is required for client credentials (without refresh_token_file)");
    }
    if (o.refresh_token.empty() && !o.refresh_token_store.empty())
        fail(s.key("refresh_token_store"), "is only for the refresh token grant");
    return o;
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
    o.templates_dir = s.str("templates_dir");
    o.employers_file = s.str("employers_file");
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
    c.triage_digest_day = s.str("triage_digest_day");
    if (!c.office(c.default_office)) {
        fail(s.key("default_office"), "'" + c.default_office + "' is not a configured [[office]]");
    }
}

void read_threading(Section& s, ThreadingConfig& t) {
    t.key = s.secret("key_file");
    if (!t.key.empty() && t.key.size() < 32) fail(s.key("key_file"), "holds fewer than 32 bytes");
    t.authserv_id = s.str("authserv_id");
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
    c.metrics_listen = s.str("metrics_listen");
    c.base_url = s.str("base_url");
    check_http_url(c.base_url, s.key("base_url"));
    c.assets_dir = s.str("assets_dir");
    c.threads = static_cast<int>(s.integer("threads"));
    c.max_upload_bytes = static_cast<std::size_t>(s.integer("max_upload_bytes"));
    c.session_idle_minutes = static_cast<int>(s.integer("session_idle_minutes"));
    c.session_max_hours = static_cast<int>(s.integer("session_max_hours"));
    c.proxy_user_header = s.str("proxy_user_header");
    c.trusted_proxies = s.list("trusted_proxies");
    if (!c.proxy_user_header.empty() && c.trusted_proxies.empty())
        fail(s.key("trusted_proxies"), "is needed with proxy_user_header");
}

void read_form_service(Section& s, FormServiceConfig& f) {
    f.assets_dir = s.str("assets_dir");
    f.listen = s.str("listen");
    f.metrics_listen = s.str("metrics_listen");
    f.spool_dir = s.str("spool_dir");
    f.threads = static_cast<int>(s.integer("threads"));
    f.pull_token = s.secret("pull_token_file");
    f.max_body_bytes = static_cast<std::size_t>(s.integer("max_body_bytes"));
    f.max_documents = static_cast<int>(s.integer("max_documents"));
    f.max_document_bytes = static_cast<std::size_t>(s.integer("max_document_bytes"));
    f.rate_limit_per_address = static_cast<int>(s.integer("rate_limit_per_address"));
    f.trusted_proxies = s.list("trusted_proxies");
    f.employers_file = s.str("employers_file");
    if (f.max_document_bytes > f.max_body_bytes)
        fail(s.key("max_document_bytes"), "must not be above max_body_bytes");
}

// Loads one entry of a top-level section into c.
void load(const SectionInfo& info, Section& s, Config& c) {
    const std::string_view n = info.name;
    if (n == "database") {
        c.database_conninfo = read_database(s);
    } else if (n == "smtp") {
        read_smtp(s, c.smtp, c.program);
    } else if (n == "mailbox") {
        c.mailboxes.push_back(read_mailbox(s));
    } else if (n == "form_endpoint") {
        c.form_endpoints.push_back(read_form_endpoint(s));
    } else if (n == "oauth2") {
        c.oauth2_clients.push_back(read_oauth2(s));
    } else if (n == "office") {
        c.offices.push_back(read_office(s, c.values));
    } else if (n == "routing") {
        read_routing(s, c);
    } else if (n == "retention") {
        c.retention_days = static_cast<int>(s.integer("retention_days"));
    } else if (n == "notifications") {
        c.templates_dir = s.str("templates_dir");
    } else if (n == "threading") {
        read_threading(s, c.threading);
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
    } else if (n == "metrics") {
        c.metrics_listen = s.str("listen");
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
    std::map<std::string, std::string> clients;
    for (std::size_t i = 0; i < c.oauth2_clients.size(); ++i) {
        const std::string key = indexed("oauth2", i);
        const auto [it, added] = clients.emplace(c.oauth2_clients[i].name, key);
        if (!added) fail(key + ".name", "duplicate oauth2 name (also " + it->second + ".name)");
    }
    const auto known_client = [&](const std::string& name, const std::string& key) {
        if (!name.empty() && !clients.count(name))
            fail(key, "names no [[oauth2]] client '" + name + "'");
    };
    for (std::size_t i = 0; i < c.mailboxes.size(); ++i)
        known_client(c.mailboxes[i].oauth2, indexed("mailbox", i) + ".oauth2");
    if (c.program == Program::daemon) known_client(c.smtp.oauth2, "smtp.oauth2");
    std::map<std::string, std::string> staff;  // lower-cased address -> its key
    for (std::size_t i = 0; i < c.offices.size(); ++i) {
        for (std::size_t j = 0; j < c.offices[i].staff.size(); ++j) {
            const std::string key = indexed(indexed("office", i) + ".staff", j) + ".email";
            const auto [it, added] =
                staff.emplace(util::ascii_lower(c.offices[i].staff[j].email), key);
            if (!added) {
                fail(key, "'" + c.offices[i].staff[j].email + "' is already " + it->second +
                              " (addresses are compared ignoring case)");
            }
        }
    }
}

}  // namespace

const OfficeConfig* Config::office(const std::string& name) const {
    for (const auto& o : offices) {
        if (o.name == name) return &o;
    }
    return nullptr;
}

const OAuth2Config* Config::oauth2_client(const std::string& name) const {
    for (const auto& o : oauth2_clients) {
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

}  // namespace casegate::common
