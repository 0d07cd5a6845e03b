// casegate's configuration: one TOML file (default /etc/casegate/casegate.toml). Every key is
// described once, in the settings table (settings.hpp), which drives the checks: unknown keys
// and bad values are errors that name the key. Each program reads the sections it uses.
// Secrets are never in the file itself: they are read from files or from systemd credentials
// ($CREDENTIALS_DIRECTORY), and never logged.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/settings.hpp"

namespace casegate::common {

class ConfigError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct MailboxConfig {
    std::string name;
    std::string
        url;  ///< imaps://host[:port], imap://host (loopback only, or STARTTLS), maildir:/path
    std::string user;
    std::string password;      ///< loaded from password_file
    std::string oauth2_token;  ///< loaded from oauth2_token_file
    std::string oauth2;        ///< the [[oauth2]] client's name; "" for none
    std::string folder = "INBOX";
    std::string processed_folder = "Processed";
    int poll_interval = 60;  ///< seconds

    bool is_maildir() const { return url.rfind("maildir:", 0) == 0; }
    std::string maildir_path() const { return url.substr(8); }
};

struct SmtpConfig {
    std::string url;  ///< smtps://host:465, smtp://host:587 (STARTTLS), smtp://127.0.0.1:port
    std::string from;
    std::string from_name = "casegate";
    std::string user;
    std::string password;
    std::string oauth2_token;
    std::string oauth2;  ///< the [[oauth2]] client's name; "" for none
};

/// An OAuth 2.0 client whose access tokens casegate obtains and renews (`[[oauth2]]`).
struct OAuth2Config {
    std::string name;
    std::string token_url;  ///< https://, or http:// to a loopback host
    std::string client_id;
    std::string client_secret;          ///< loaded from client_secret_file; may be "" with a
                                        ///< refresh token
    std::string client_secret_expires;  ///< YYYY-MM-DD; "" = not known
    int warn_days = 14;
    std::string refresh_token;        ///< loaded from refresh_token_file; "" = client credentials
    std::string refresh_token_store;  ///< where a renewed refresh token is kept; "" = memory
    std::string scope = "https://outlook.office365.com/.default";
};

/// A pull source: a web form service whose accepted submissions the daemon fetches.
struct FormEndpointConfig {
    std::string name;
    std::string url;         ///< https://, or http:// to a loopback host
    std::string token;       ///< loaded from token_file
    int poll_interval = 60;  ///< seconds
};

enum class StaffRole {
    admin,         ///< every case of the office
    case_manager,  ///< the cases assigned to them
};

struct StaffConfig {
    std::string name;
    std::string email;  ///< unique across all offices, compared ignoring case
    StaffRole role = StaffRole::case_manager;
};

struct OfficeConfig {
    std::string name;             ///< one of FORM.md's local offices
    std::string designated_body;  ///< its designated body code
    std::vector<std::string> admin_emails;
    std::vector<StaffConfig> staff;  ///< [[office.staff]]
    std::string templates_dir;       ///< the office's own notification texts; "" for none
    std::string employers_file;      ///< its employers (ODS layout); "" for none
};

struct Limits {
    std::size_t max_message_bytes = 25UL * 1024 * 1024;
    std::size_t max_header_bytes = 256UL * 1024;
    int max_mime_depth = 20;
    int max_parts = 1000;
    int parse_timeout = 30;      ///< seconds of wall-clock time per parse
    int parse_memory_mb = 1024;  ///< address-space limit of the parse worker
    int max_attempts = 3;        ///< parse attempts before an item is quarantined
};

struct OutboxConfig {
    int retry_initial = 30;  ///< seconds before the first retry
    int retry_max = 3600;    ///< cap of the exponential back-off
    int max_attempts = 50;   ///< temporary failures before a message is marked failed
};

/// The `[revalidation]` section: the hourly connection check against TIS and GMC Connect, and
/// the sender of admins' add/remove requests. Absent section = off. The designated bodies asked
/// for are those of the configured [[office]] entries.
struct RevalidationConfig {
    bool enabled = false;
    int interval = 3600;          ///< seconds between runs (GMC changes show within the hour)
    std::string tis_url;          ///< https:// URL (http:// on loopback) or an absolute file path
    std::string tis_token;        ///< bearer token for tis_url, loaded from tis_token_file
    std::string gmc_url;          ///< GMC Connect endpoint (`url`)
    std::string gmc_username;     ///< `username`
    std::string gmc_password;     ///< loaded from `password_file`; never logged
    std::string gmc_namespace;    ///< `namespace`; "" = the built-in default
    std::string gmc_soap_action;  ///< `soap_action` prefix; "" = the built-in default
    std::string internal_user = "casegate";  ///< who asks GetDoctorsForDB
    std::string ca_file;  ///< extra trust anchors for both feeds; "" = system store
    int timeout = 120;    ///< seconds per HTTP request; a SIGTERM waits for one
    // Snapshot plausibility (feeds/plausibility.hpp).
    double max_shrink_fraction = 0.25;
    int min_previous_rows = 50;
    double max_error_fraction = 0.02;
    // The GMC request sender.
    int retry_initial = 60;      ///< seconds before the first retry of a failed request
    int retry_max = 3600;        ///< cap of the back-off
    int requests_per_turn = 20;  ///< requests sent per loop turn
    int max_listed = 200;        ///< GMC numbers listed per section of a digest

    bool is_file_feed() const { return !tis_url.empty() && tis_url[0] == '/'; }
};

/// The `[threading]` section: how answers are recognised as answers.
struct ThreadingConfig {
    std::string key;          ///< from key_file: signs casegate's Message-IDs; "" = unsigned
    std::string authserv_id;  ///< the MTA's id in Authentication-Results; "" = not read
};

/// The staff console's `[console]` section.
struct ConsoleConfig {
    std::string listen = "127.0.0.1:8080";          ///< HOST:PORT
    std::string metrics_listen = "127.0.0.1:9465";  ///< "" for none
    std::string base_url;                           ///< how staff reach it, for links in emails
    std::string assets_dir = "/usr/share/casegate/web/assets";
    int threads = 8;
    std::size_t max_upload_bytes = std::size_t{25} * 1024 * 1024;
    int session_idle_minutes = 30;
    int session_max_hours = 10;
    std::string proxy_user_header;             ///< "" for none
    std::vector<std::string> trusted_proxies;  ///< addresses whose header is believed
};

/// The web form service's `[form_service]` section.
struct FormServiceConfig {
    std::string listen = "127.0.0.1:8081";          ///< HOST:PORT
    std::string metrics_listen = "127.0.0.1:9466";  ///< "" for none
    int threads = 8;                                ///< requests served at once
    std::string spool_dir = "/var/lib/casegate/forms";
    std::string assets_dir = "/usr/share/casegate/web/assets";
    std::string pull_token;  ///< loaded from pull_token_file
    std::size_t max_body_bytes = std::size_t{18} * 1024 * 1024;
    int max_documents = 10;
    std::size_t max_document_bytes = std::size_t{10} * 1024 * 1024;
    int rate_limit_per_address = 20;  ///< submissions per hour
    /// Reverse proxies whose X-Forwarded-For names the client (for the rate limit).
    std::vector<std::string> trusted_proxies;
    std::string employers_file;  ///< suggestions for the employer (ODS layout); "" for none
};

/// One program's view of the file: the sections that program does not use keep their defaults.
struct Config {
    Program program = Program::daemon;  ///< who loaded it
    std::string database_conninfo;      ///< conninfo, with the password from password_file
    std::vector<MailboxConfig> mailboxes;
    std::vector<FormEndpointConfig> form_endpoints;
    std::vector<OAuth2Config> oauth2_clients;
    SmtpConfig smtp;
    std::vector<OfficeConfig> offices;
    std::string default_office;
    bool include_details_in_alert = false;
    std::string triage_digest_day = "monday";  ///< [routing]; "off" for none
    std::string templates_dir;  ///< [notifications]: the operator's texts; "" for none
    ThreadingConfig threading;
    int retention_days = 0;  ///< [retention]; 0: no purge
    Limits limits;
    OutboxConfig outbox;
    RevalidationConfig revalidation;
    ConsoleConfig console;
    std::string metrics_listen = "127.0.0.1:9464";  ///< [metrics] listen; "" for none
    FormServiceConfig form_service;
    std::string log_level = "info";

    /// Every key of the sections read, given or defaulted, by its full name
    /// (`mailbox[0].poll_interval`) as text, for comparing two configurations key by key. A
    /// secret appears as the name of its file, never its content. Not for logging values.
    std::map<std::string, std::string> values;

    const OfficeConfig* office(const std::string& name) const;
    /// The [[oauth2]] client of that name, or null.
    const OAuth2Config* oauth2_client(const std::string& name) const;
    /// The office whose designated body is `code`, or null.
    const OfficeConfig* office_of_body(const std::string& code) const;
};

/// Reads and validates the file as `program` reads it. Throws ConfigError naming the key.
///
/// A program reads the sections it uses (settings.hpp: SectionInfo::used_by) and needs those it
/// requires: the form service needs neither [smtp] nor [[office]], the console no [[mailbox]].
/// A section a program does not use is, for the daemon and the console, checked against the
/// table (unknown keys, types, bounds) but not loaded: no secret file of it is read, so one
/// file can serve both on the daemon's host. The form service, which runs on a host of its
/// own, refuses any section but [form_service] and [log], so that its file cannot carry the
/// database's or the mail servers' secrets.
Config load_config(const std::string& path, Program program = Program::daemon);

/// Parses and validates TOML text (origin names it in messages). Throws ConfigError.
Config parse_config(const std::string& text, const std::string& origin,
                    Program program = Program::daemon);

/// One key whose value differs between two configurations (or is in one only).
struct ConfigChange {
    std::string key;         ///< full name: `mailbox[0].poll_interval`
    const Setting* setting;  ///< its row of the table
};

/// The keys that differ, key by key, in the order of their full names.
std::vector<ConfigChange> changed_keys(const Config& running, const Config& fresh);

/// What a reload does with each changed key.
struct ReloadPlan {
    std::vector<std::string> applied;  ///< changed keys whose new value is used from now on
    std::vector<std::string> kept;     ///< changed keys that need a restart: still the old value
};

/// Compares the running configuration with the one just loaded (same program), and puts the
/// running value back into `fresh` for each changed key that needs a restart (Reload::restart),
/// so that `fresh` can replace the running one. A second reload reports such a key again until
/// the program restarts.
ReloadPlan plan_reload(const Config& running, Config& fresh);

inline constexpr const char* kDefaultConfigPath = "/etc/casegate/casegate.toml";

}  // namespace casegate::common
