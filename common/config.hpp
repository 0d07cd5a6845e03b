// casegate's configuration: one TOML file (default /etc/casegate/casegate.toml). Every key is
// described once in config.cpp's tables; unknown keys and bad values are errors that name the
// key. Secrets are never in the file itself: they are read from files or from systemd
// credentials ($CREDENTIALS_DIRECTORY), and never logged.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace casegate::common {

class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct MailboxConfig {
    std::string name;
    std::string url;  ///< imaps://host[:port], imap://host (loopback only, or STARTTLS), maildir:/path
    std::string user;
    std::string password;      ///< loaded from password_file
    std::string oauth2_token;  ///< loaded from oauth2_token_file
    std::string folder = "INBOX";
    std::string processed_folder = "Processed";
    int poll_interval = 60;    ///< seconds

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
};

struct OfficeConfig {
    std::string name;             ///< one of FORM.md's local offices
    std::string designated_body;  ///< its designated body code
    std::vector<std::string> admin_emails;
};

struct Limits {
    std::size_t max_message_bytes = 25UL * 1024 * 1024;
    std::size_t max_header_bytes = 256UL * 1024;
    int max_mime_depth = 20;
    int max_parts = 1000;
    int parse_timeout = 30;     ///< seconds of wall-clock time per parse
    int parse_memory_mb = 1024; ///< address-space limit of the parse worker
    int max_attempts = 3;       ///< parse attempts before an item is quarantined
};

struct OutboxConfig {
    int retry_initial = 30;    ///< seconds before the first retry
    int retry_max = 3600;      ///< cap of the exponential back-off
    int max_attempts = 50;     ///< temporary failures before a message is marked failed
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

struct Config {
    std::string database_conninfo;
    std::vector<MailboxConfig> mailboxes;
    SmtpConfig smtp;
    std::vector<OfficeConfig> offices;
    std::string default_office;
    bool include_details_in_alert = false;
    Limits limits;
    OutboxConfig outbox;
    RevalidationConfig revalidation;
    std::string log_level = "info";

    const OfficeConfig* office(const std::string& name) const;
    /// The office whose designated body is `code`, or null.
    const OfficeConfig* office_of_body(const std::string& code) const;
};

/// Reads and validates the file. Throws ConfigError naming the key.
Config load_config(const std::string& path);

/// Parses and validates TOML text (origin names it in messages). Throws ConfigError.
Config parse_config(const std::string& text, const std::string& origin);

inline constexpr const char* kDefaultConfigPath = "/etc/casegate/casegate.toml";

}  // namespace casegate::common
