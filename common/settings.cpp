// The settings table. Adding a key: add its row here, read it in config.cpp (a key in the
// table that config.cpp never asks for is reported by every test that loads its section), and
// regenerate the example: `build/daemon/casegate config-example > examples/casegate.toml`.
// Looking keys up and writing their types and bounds: settings_text.cpp.
#include "common/settings.hpp"

#include <array>

namespace casegate::common {

namespace {

using T = SettingType;
constexpr Reload restart = Reload::restart;
constexpr Need required = Need::required;
constexpr Need depends = Need::depends;

constexpr std::uint8_t kDaemon = static_cast<std::uint8_t>(Program::daemon);
constexpr std::uint8_t kConsole = static_cast<std::uint8_t>(Program::console);
constexpr std::uint8_t kForms = static_cast<std::uint8_t>(Program::form_service);
constexpr std::uint8_t kAll = kDaemon | kConsole | kForms;

constexpr double kDay = 86400;
constexpr double kWeek = 7 * kDay;
constexpr double kGiB = 1024.0 * 1024 * 1024;

constexpr std::array kSections{
    SectionInfo{
        .name = "database",
        .used_by = kDaemon | kConsole,
        .required_by = kDaemon | kConsole,
        .help = "The PostgreSQL database holding everything casegate received and made.",
    },
    SectionInfo{
        .name = "smtp",
        .used_by = kDaemon | kConsole,
        .required_by = kDaemon | kConsole,
        .help = "How casegate sends mail (acknowledgements, replies, office alerts, digests). "
                "TLS certificates are always verified. The console reads only from and "
                "from_name: what it has to say goes through the outbox, sent by the daemon.",
    },
    SectionInfo{
        .name = "mailbox",
        .array = true,
        .used_by = kDaemon,
        .help = "One [[mailbox]] per monitored mailbox. The same message arriving in two "
                "mailboxes becomes one case.",
        .example_more = "# [[mailbox]]\n"
                        "# name = \"local-drop\"\n"
                        "# url = \"maildir:/var/lib/casegate/maildir\"\n",
    },
    SectionInfo{
        .name = "form_endpoint",
        .array = true,
        .used_by = kDaemon,
        .example_commented = true,
        .help = "One [[form_endpoint]] per web form service whose accepted submissions the "
                "daemon pulls, as it polls a mailbox: each becomes a case (channel web) like an "
                "emailed referral, and is acknowledged at the service once stored.",
    },
    SectionInfo{
        .name = "oauth2",
        .array = true,
        .used_by = kDaemon,
        .example_commented = true,
        .help = "One [[oauth2]] per OAuth 2.0 client (Microsoft 365, NHSmail): the [[mailbox]] "
                "and [smtp] whose oauth2 key names it sign in with XOAUTH2, and casegate "
                "obtains their access tokens from token_url and renews each before it expires. "
                "With refresh_token_file it uses the refresh token grant (a delegated "
                "mailbox); without, client credentials (an application given access to the "
                "mailbox). A token that cannot be renewed is logged, counted in /metrics and "
                "told once to the default office's admins.",
    },
    SectionInfo{
        .name = "office",
        .array = true,
        .used_by = kDaemon | kConsole,
        .required_by = kDaemon | kConsole,
        .help = "Local offices: their admin teams are told of new referrals, and their staff "
                "use the console. name is one of the 14 local offices of the referral form.",
    },
    SectionInfo{
        .name = "office.staff",
        .array = true,
        .used_by = kDaemon | kConsole,
        .help = "The office's staff, who use the staff console. An address belongs to one "
                "member of one office.",
        .example_more = "[[office.staff]]\n"
                        "name = \"Dr Casey Manager\"\n"
                        "email = \"casey.manager@example.nhs.uk\"\n"
                        "role = \"case_manager\"\n",
    },
    SectionInfo{
        .name = "routing",
        .used_by = kDaemon,
        .required_by = kDaemon,
        .help = "Which office a referral goes to, and what its alert says.",
    },
    SectionInfo{
        .name = "notifications",
        .used_by = kDaemon | kConsole,
        .help = "The texts of the emails casegate sends are templates: the shipped ones are "
                "built in (copies in /usr/share/casegate/templates), and a file of the same "
                "name in templates_dir, or in an [[office]]'s templates_dir for that office, "
                "replaces one. `casegate check-config` renders every text with sample data and "
                "names each problem by file and line.",
    },
    SectionInfo{
        .name = "threading",
        .used_by = kDaemon | kConsole,
        .help = "How answers and follow-ups find their case. casegate signs the Message-IDs of "
                "its emails about a case with key_file's secret, so a reply's In-Reply-To names "
                "the case in a way nobody can forge; without it only the [CG-…] subject tag "
                "from the referrer or the office's staff threads a reply.",
    },
    SectionInfo{
        .name = "retention",
        .used_by = kDaemon,
        .help = "The retention purge: the personal data of archived cases closed more than "
                "retention_days ago is removed (names, GMC number, contact details, free text, "
                "documents, raw mail); the case's skeleton and audit stay for reporting. The "
                "daemon purges daily; `casegate purge --dry-run` lists what would go.",
    },
    SectionInfo{
        .name = "limits",
        .used_by = kDaemon,
        .help = "Limits on what is received and on the sandboxed parse worker. A message over "
                "a limit is kept with a reason naming the limit.",
    },
    SectionInfo{
        .name = "outbox",
        .used_by = kDaemon,
        .help = "Sending from the outbox: temporary failures are retried with capped "
                "exponential back-off.",
    },
    SectionInfo{
        .name = "revalidation",
        .used_by = kDaemon,
        .example_commented = true,
        .help = "Revalidation connection checks (docs/revalidation.md): every interval casegate "
                "reads the TIS extract and asks GMC Connect (GetDoctorsForDB) for the doctors "
                "connected to each [[office]]'s designated body, checks each snapshot for "
                "plausibility (a refused one is kept out, the previous one stands, and the "
                "office is emailed why), classifies every doctor, and emails each office one "
                "digest of what changed: new discrepancies, resolved ones and failed GMC "
                "updates, as counts and GMC numbers only. Admins' add/remove requests "
                "(`casegate reval add|remove`) are sent to GMC Connect by the running daemon. "
                "Absent section = switched off.",
    },
    SectionInfo{
        .name = "console",
        .used_by = kDaemon | kConsole,
        .required_by = kConsole,
        .example_commented = true,
        .help = "The staff console, on the daemon's host: it needs [database] and [[office]] "
                "with its staff, and ignores the daemon's sections (checked, but no secret of "
                "theirs is read). The daemon reads its base_url: staff emails then link to the "
                "case's page.",
    },
    SectionInfo{
        .name = "form_service",
        .used_by = kForms,
        .required_by = kForms,
        .example_commented = true,
        .help = "The web form service, on a host of its own: its file has only [form_service] "
                "and [log]; any other section is refused, so that it never holds the "
                "database's or the mail servers' secrets.",
    },
    SectionInfo{
        .name = "metrics",
        .used_by = kDaemon,
        .help = "The daemon's Prometheus endpoint, GET /metrics: items by state and verdict, "
                "cases, the outbox, each source's last successful poll and failed polls, "
                "revalidation, GMC requests, parse-worker restarts (README, Operations). The "
                "console's and the form service's are [console] and [form_service] "
                "metrics_listen.",
    },
    SectionInfo{
        .name = "log",
        .used_by = kAll,
        .help = "Logging: journald under systemd, stderr otherwise.",
    },
};

// One row per key; kept compact rather than one designator per line.
// clang-format off
constexpr std::array kSettings{
    // [database]
    Setting{.section = "database", .key = "conninfo", .type = T::string, .reload = restart,
            .need = required,
            .help = "libpq connection string "
                    "(https://www.postgresql.org/docs/15/libpq-connect.html), without the "
                    "password.",
            .example = "host=/run/postgresql dbname=casegate user=casegate"},
    Setting{.section = "database", .key = "password_file", .type = T::secret_file,
            .reload = restart,
            .help = "The database password; the file is read again at each reload.",
            .example = "db-password", .example_commented = true},

    // [smtp]
    Setting{.section = "smtp", .key = "url", .type = T::url, .choices = "smtps:// smtp://",
            .need = required,
            .help = "smtps://host:465 (TLS) or smtp://host:587 (STARTTLS, required); plain "
                    "SMTP only to a loopback address.",
            .example = "smtps://smtp.example.nhs.uk:465"},
    Setting{.section = "smtp", .key = "from", .type = T::email, .need = required,
            .help = "The sender of every message; mail from it is never taken for a referral.",
            .example = "casegate@example.nhs.uk"},
    Setting{.section = "smtp", .key = "from_name", .type = T::string, .default_value = "casegate",
            .help = "The sender's display name.", .example = "Case management (casegate)"},
    Setting{.section = "smtp", .key = "user", .type = T::string,
            .help = "The SMTP login; none = no authentication.",
            .example = "casegate@example.nhs.uk"},
    Setting{.section = "smtp", .key = "password_file", .type = T::secret_file,
            .help = "The SMTP password; or oauth2_token_file, or oauth2 (one of the three).",
            .example = "smtp-password"},
    Setting{.section = "smtp", .key = "oauth2_token_file", .type = T::secret_file,
            .help = "A fixed OAuth 2.0 access token for XOAUTH2, instead of a password (one "
                    "renewed by casegate: oauth2).",
            .example = "smtp-token", .example_commented = true},
    Setting{.section = "smtp", .key = "oauth2", .type = T::string,
            .help = "The [[oauth2]] client whose renewed tokens sign in with XOAUTH2, instead "
                    "of a password.",
            .example = "nhsmail", .example_commented = true},

    // [[mailbox]]
    Setting{.section = "mailbox", .key = "name", .type = T::string, .need = required,
            .help = "The source's name, unique among [[mailbox]] and [[form_endpoint]]; kept "
                    "with every item received.",
            .example = "referrals"},
    Setting{.section = "mailbox", .key = "url", .type = T::url,
            .choices = "imaps:// imap:// maildir:", .need = required,
            .help = "imaps://host[:port], imap://host (STARTTLS required unless loopback) or "
                    "maildir:/absolute/path; an IMAP URL has no path: see folder.",
            .example = "imaps://imap.example.nhs.uk:993"},
    Setting{.section = "mailbox", .key = "user", .type = T::string, .need = depends,
            .help = "The IMAP login (required for IMAP, not used for a Maildir).",
            .example = "referrals@example.nhs.uk"},
    Setting{.section = "mailbox", .key = "password_file", .type = T::secret_file,
            .need = depends,
            .help = "The IMAP password; IMAP needs this, oauth2_token_file or oauth2.",
            .example = "imap-referrals"},
    Setting{.section = "mailbox", .key = "oauth2_token_file", .type = T::secret_file,
            .help = "A fixed OAuth 2.0 access token for XOAUTH2, instead of a password (IMAP; "
                    "one renewed by casegate: oauth2).",
            .example = "imap-referrals-token", .example_commented = true},
    Setting{.section = "mailbox", .key = "oauth2", .type = T::string,
            .help = "The [[oauth2]] client whose renewed tokens sign in with XOAUTH2, instead "
                    "of a password (IMAP).",
            .example = "nhsmail", .example_commented = true},
    Setting{.section = "mailbox", .key = "folder", .type = T::string, .default_value = "INBOX",
            .min = 1, .help = "Where referrals arrive, for IMAP."},
    Setting{.section = "mailbox", .key = "processed_folder", .type = T::string,
            .default_value = "Processed", .min = 1,
            .help = "Where each message goes once it is safely stored, for IMAP; not folder."},
    Setting{.section = "mailbox", .key = "poll_interval", .type = T::integer,
            .default_value = "60", .min = 5, .max = kDay, .unit = "seconds",
            .help = "How often the mailbox is looked at."},

    // [[form_endpoint]]
    Setting{.section = "form_endpoint", .key = "name", .type = T::string, .need = required,
            .help = "The source's name, unique among [[mailbox]] and [[form_endpoint]]; kept "
                    "with every item received.",
            .example = "web-forms"},
    Setting{.section = "form_endpoint", .key = "url", .type = T::url,
            .choices = "https:// http://", .need = required,
            .help = "The form service's address as the daemon reaches it (its pull API is under "
                    "/api/): https://, or http:// to a loopback host.",
            .example = "https://forms.example.nhs.uk"},
    Setting{.section = "form_endpoint", .key = "token_file", .type = T::secret_file,
            .need = required,
            .help = "The bearer token shown to the form service: its pull_token_file's secret.",
            .example = "forms-pull-token"},
    Setting{.section = "form_endpoint", .key = "poll_interval", .type = T::integer,
            .default_value = "60", .min = 5, .max = kDay, .unit = "seconds",
            .help = "How often the form service is asked for new submissions."},

    // [[oauth2]]
    Setting{.section = "oauth2", .key = "name", .type = T::string, .need = required,
            .help = "Named by the oauth2 key of a [[mailbox]] or of [smtp].",
            .example = "nhsmail"},
    Setting{.section = "oauth2", .key = "token_url", .type = T::url,
            .choices = "https:// http://", .need = required,
            .help = "The token endpoint (Microsoft: "
                    "https://login.microsoftonline.com/TENANT/oauth2/v2.0/token); http:// only "
                    "to a loopback host.",
            .example = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/"
                       "oauth2/v2.0/token"},
    Setting{.section = "oauth2", .key = "client_id", .type = T::string, .min = 1,
            .need = required, .help = "The application (client) id of the app registration.",
            .example = "00000000-0000-0000-0000-000000000000"},
    Setting{.section = "oauth2", .key = "client_secret_file", .type = T::secret_file,
            .need = depends,
            .help = "The client secret; required for client credentials (no "
                    "refresh_token_file), sent with a refresh token when given.",
            .example = "oauth2-client-secret"},
    Setting{.section = "oauth2", .key = "client_secret_expires", .type = T::string,
            .help = "The client secret's expiry date (YYYY-MM-DD) as the app registration "
                    "shows it: casegate tells the default office's admins warn_days before; "
                    "none = not known.",
            .example = "2027-06-30"},
    Setting{.section = "oauth2", .key = "warn_days", .type = T::integer, .default_value = "14",
            .min = 1, .max = 365, .unit = "days",
            .help = "How long before client_secret_expires the admins are told (once)."},
    Setting{.section = "oauth2", .key = "refresh_token_file", .type = T::secret_file,
            .help = "A refresh token, for the refresh token grant (delegated access to the "
                    "mailbox); none = client credentials.",
            .example = "oauth2-refresh-token", .example_commented = true},
    Setting{.section = "oauth2", .key = "refresh_token_store", .type = T::path,
            .help = "Where the refresh token the endpoint sends back with each access token is "
                    "kept (mode 0600), and used first at the next start; none = kept in "
                    "memory only, so a restart starts again from refresh_token_file.",
            .example = "/var/lib/casegate/oauth2-nhsmail-refresh-token",
            .example_commented = true},
    Setting{.section = "oauth2", .key = "scope", .type = T::string,
            .default_value = "https://outlook.office365.com/.default", .min = 1,
            .help = "What the tokens are asked for. With a refresh token, Microsoft's are "
                    "https://outlook.office.com/IMAP.AccessAsUser.All "
                    "https://outlook.office.com/SMTP.Send offline_access."},

    // [[office]]
    Setting{.section = "office", .key = "name", .type = T::string, .need = required,
            .help = "One of the 14 local offices of the referral form.",
            .example = "East of England"},
    Setting{.section = "office", .key = "designated_body", .type = T::string,
            .help = "Its designated body code; if given, it must be the office's own code "
                    "(the default).",
            .example = "1-1RSSQ05", .example_commented = true},
    Setting{.section = "office", .key = "admin_emails", .type = T::email_list, .min = 1,
            .need = required, .help = "The admin team's addresses, alerted to each new referral.",
            .example = "eoe.casemanagement@example.nhs.uk"},
    Setting{.section = "office", .key = "templates_dir", .type = T::path,
            .help = "A directory of this office's own texts; its files win over "
                    "[notifications] templates_dir for the office's emails.",
            .example = "/etc/casegate/templates/east-of-england", .example_commented = true},
    Setting{.section = "office", .key = "employers_file", .type = T::path,
            .help = "The office's employers (NHS trusts, and GP practices if wanted) in NHS "
                    "Digital's ODS layout (code, name, ...): the employer written on a referral "
                    "is matched to it, and reports count by its code; none = kept as written.",
            .example = "/usr/share/doc/casegate/examples/employers-east-of-england.csv",
            .example_commented = true},

    // [[office.staff]]
    Setting{.section = "office.staff", .key = "name", .type = T::string, .need = required,
            .help = "The member's name, as the console shows it.", .example = "Alex Admin"},
    Setting{.section = "office.staff", .key = "email", .type = T::email, .need = required,
            .help = "Their address: unique across all offices, ignoring case.",
            .example = "alex.admin@example.nhs.uk"},
    Setting{.section = "office.staff", .key = "role", .type = T::enumeration,
            .choices = "admin case_manager", .need = required,
            .help = "admin sees every case of the office, case_manager the cases assigned to "
                    "them.",
            .example = "admin"},

    // [routing]
    Setting{.section = "routing", .key = "default_office", .type = T::string, .need = required,
            .help = "An [[office]] name: where a referral goes when its form names no "
                    "configured office.",
            .example = "East of England"},
    Setting{.section = "routing", .key = "include_details_in_alert", .type = T::boolean,
            .default_value = "false",
            .help = "Whether the office's new-referral alert includes the free-text details."},
    Setting{.section = "routing", .key = "triage_digest_day", .type = T::enumeration,
            .default_value = "monday",
            .choices = "off monday tuesday wednesday thursday friday saturday sunday",
            .help = "The day (from 08:00) each office's admin team gets its weekly triage "
                    "digest: new cases since the last one, awaiting triage, follow-ups, cases "
                    "with no case manager, as counts and references only."},

    // [notifications]
    Setting{.section = "notifications", .key = "templates_dir", .type = T::path,
            .help = "A directory of the operator's texts (`acknowledgement.txt`, …: the names "
                    "of the shipped files) used for every office; a text with no file here "
                    "stays the shipped one. Read again on reload.",
            .example = "/etc/casegate/templates", .example_commented = true},

    // [threading]
    Setting{.section = "threading", .key = "key_file", .type = T::secret_file,
            .help = "A secret of at least 32 bytes (e.g. `head -c 32 /dev/urandom | base64`), "
                    "the same for every casegate process on one database. Changing it unthreads "
                    "answers to mail sent before.",
            .example = "/etc/casegate/thread-key", .example_commented = true},
    Setting{.section = "threading", .key = "authserv_id", .type = T::string,
            .help = "The authserv-id your mail server writes in the Authentication-Results "
                    "headers it adds (RFC 8601). Mail whose DMARC check failed there gets no "
                    "automatic reply and is held for review. Empty: the header is not read.",
            .example = "mx.example.nhs.uk", .example_commented = true},

    // [retention]
    Setting{.section = "retention", .key = "retention_days", .type = T::integer,
            .default_value = "0", .min = 0, .max = 36500, .unit = "days",
            .help = "After an archived case was closed; 0 keeps everything (no purge)."},

    // [limits]
    Setting{.section = "limits", .key = "max_message_bytes", .type = T::integer,
            .default_value = "26214400", .min = 64 * 1024, .max = kGiB, .unit = "bytes",
            .help = "Larger messages are kept (header only) and set aside."},
    Setting{.section = "limits", .key = "max_header_bytes", .type = T::integer,
            .default_value = "262144", .min = 4096, .max = 16 * 1024 * 1024, .unit = "bytes",
            .help = "The largest message header read."},
    Setting{.section = "limits", .key = "max_mime_depth", .type = T::integer,
            .default_value = "20", .min = 1, .max = 100,
            .help = "The deepest nesting of MIME parts."},
    Setting{.section = "limits", .key = "max_parts", .type = T::integer, .default_value = "1000",
            .min = 1, .max = 10000, .help = "The most MIME parts in one message."},
    Setting{.section = "limits", .key = "parse_timeout", .type = T::integer,
            .default_value = "30", .min = 1, .max = 600, .unit = "seconds",
            .help = "Wall-clock time of one parse, in the sandboxed worker."},
    Setting{.section = "limits", .key = "parse_memory_mb", .type = T::integer,
            .default_value = "1024", .min = 64, .max = 16384, .unit = "MiB",
            .help = "The parse worker's address-space limit."},
    Setting{.section = "limits", .key = "max_attempts", .type = T::integer, .default_value = "3",
            .min = 1, .max = 100,
            .help = "Parse crashes or timeouts before an item is quarantined."},

    // [outbox]
    Setting{.section = "outbox", .key = "retry_initial", .type = T::integer,
            .default_value = "30", .min = 1, .max = kDay, .unit = "seconds",
            .help = "Before the first retry of a failed send."},
    Setting{.section = "outbox", .key = "retry_max", .type = T::integer, .default_value = "3600",
            .min = 1, .max = kWeek, .unit = "seconds",
            .help = "The cap of the exponential back-off; not below retry_initial."},
    Setting{.section = "outbox", .key = "max_attempts", .type = T::integer,
            .default_value = "50", .min = 1, .max = 1000,
            .help = "Temporary failures before a message is marked failed."},

    // [revalidation]
    Setting{.section = "revalidation", .key = "enabled", .type = T::boolean,
            .default_value = "true",
            .help = "false switches the check off and keeps the section (then only checked)."},
    Setting{.section = "revalidation", .key = "interval", .type = T::integer,
            .default_value = "3600", .min = 60, .max = kDay, .unit = "seconds",
            .help = "Between full runs: GMC changes show within the hour."},
    Setting{.section = "revalidation", .key = "tis_url", .type = T::url,
            .choices = "https:// http:// /", .need = depends,
            .help = "The TIS extract: an https:// URL (http:// to loopback) or an absolute path "
                    "to a JSON-lines file; required when enabled.",
            .example = "https://tis.example.nhs.uk/api/revalidation/connection/extract"},
    Setting{.section = "revalidation", .key = "tis_token_file", .type = T::secret_file,
            .help = "A bearer token for tis_url.", .example = "tis-token"},
    Setting{.section = "revalidation", .key = "url", .type = T::url,
            .choices = "https:// http://", .need = depends,
            .help = "The GMC Connect endpoint; required when enabled.",
            .example = "https://webcache.gmc-uk.org/GMCWebServices/GMCWebServices.asmx"},
    Setting{.section = "revalidation", .key = "username", .type = T::string, .need = depends,
            .help = "The GMC Connect account; required when enabled.", .example = "gmc-account"},
    Setting{.section = "revalidation", .key = "password_file", .type = T::secret_file,
            .need = depends, .help = "The GMC Connect password; required when enabled.",
            .example = "gmc-password"},
    Setting{.section = "revalidation", .key = "namespace", .type = T::string, .min = 1,
            .help = "The SOAP namespace, from the WSDL GMC issues with the account; none = the "
                    "built-in one.",
            .example = "https://webcache.gmc-uk.org/"},
    Setting{.section = "revalidation", .key = "soap_action", .type = T::string,
            .help = "SOAPAction = soap_action + operation name; none = the built-in prefix.",
            .example = "https://webcache.gmc-uk.org/"},
    Setting{.section = "revalidation", .key = "internal_user", .type = T::string,
            .default_value = "casegate", .min = 1,
            .help = "Who asks GetDoctorsForDB; admins' requests carry their own name."},
    Setting{.section = "revalidation", .key = "ca_file", .type = T::path,
            .help = "Extra trust anchors (PEM) for both feeds; none = the system store.",
            .example = "/etc/casegate/gmc-ca.pem", .example_commented = true},
    Setting{.section = "revalidation", .key = "timeout", .type = T::integer,
            .default_value = "120", .min = 5, .max = 3600, .unit = "seconds",
            .help = "Per HTTP request; SIGTERM waits for one."},
    Setting{.section = "revalidation", .key = "max_shrink_fraction", .type = T::fraction,
            .default_value = "0.25", .min = 0, .max = 1,
            .help = "A snapshot that lost more than this fraction of the rows of the one in force "
                    "is refused."},
    Setting{.section = "revalidation", .key = "min_previous_rows", .type = T::integer,
            .default_value = "50", .min = 0, .max = 10000000,
            .help = "max_shrink_fraction applies when the snapshot in force has at least this "
                    "many rows."},
    Setting{.section = "revalidation", .key = "max_error_fraction", .type = T::fraction,
            .default_value = "0.02", .min = 0, .max = 1,
            .help = "Refuse a TIS extract with more unreadable lines than this."},
    Setting{.section = "revalidation", .key = "retry_initial", .type = T::integer,
            .default_value = "60", .min = 1, .max = kDay, .unit = "seconds",
            .help = "Before a failed GMC request is sent again."},
    Setting{.section = "revalidation", .key = "retry_max", .type = T::integer,
            .default_value = "3600", .min = 1, .max = kWeek, .unit = "seconds",
            .help = "The cap of the back-off (retried until it succeeds); not below "
                    "retry_initial."},
    Setting{.section = "revalidation", .key = "requests_per_turn", .type = T::integer,
            .default_value = "20", .min = 1, .max = 1000,
            .help = "GMC requests sent per turn of the daemon's loop."},
    Setting{.section = "revalidation", .key = "max_listed", .type = T::integer,
            .default_value = "200", .min = 1, .max = 100000,
            .help = "GMC numbers listed per section of a digest."},

    // [metrics]
    Setting{.section = "metrics", .key = "listen", .type = T::listen,
            .default_value = "127.0.0.1:9464", .reload = restart,
            .help = "Where the daemon serves /metrics (HOST:PORT; keep it on loopback or a "
                    "management network). \"\" for none. Taken by another process, it is "
                    "logged and the daemon runs without it."},

    // [console]
    Setting{.section = "console", .key = "metrics_listen", .type = T::listen,
            .default_value = "127.0.0.1:9465", .reload = restart,
            .help = "Where the console serves /metrics, apart from its pages. \"\" for none."},
    Setting{.section = "console", .key = "listen", .type = T::listen,
            .default_value = "127.0.0.1:8080", .min = 1, .reload = restart,
            .help = "Where the console listens (HOST:PORT), normally behind a TLS reverse "
                    "proxy."},
    Setting{.section = "console", .key = "base_url", .type = T::url,
            .choices = "https:// http://", .need = required,
            .help = "Its address as staff reach it, for links in emails: https:// (http:// to "
                    "loopback).",
            .example = "https://casegate.example.nhs.uk/"},
    Setting{.section = "console", .key = "assets_dir", .type = T::path,
            .default_value = "/usr/share/casegate/web/assets", .reload = restart,
            .help = "The NHS.UK frontend's style sheet and images, and the console's own, "
                    "served under /assets/."},
    Setting{.section = "console", .key = "threads", .type = T::integer, .default_value = "8",
            .min = 1, .max = 256, .reload = restart,
            .help = "Requests served at once; each has its own database connection."},
    Setting{.section = "console", .key = "max_upload_bytes", .type = T::integer,
            .default_value = "26214400", .min = 64 * 1024, .max = kGiB, .unit = "bytes",
            .reload = restart,
            .help = "The largest request (a document uploaded to a case)."},
    Setting{.section = "console", .key = "session_idle_minutes", .type = T::integer,
            .default_value = "30", .min = 1, .max = 24 * 60, .unit = "minutes",
            .help = "A session not used for this long ends."},
    Setting{.section = "console", .key = "session_max_hours", .type = T::integer,
            .default_value = "10", .min = 1, .max = 7 * 24, .unit = "hours",
            .help = "A session ends this long after sign-in, however busy."},
    Setting{.section = "console", .key = "proxy_user_header", .type = T::string,
            .help = "With single sign-on at an authenticating reverse proxy (oauth2-proxy, "
                    "mod_auth_openidc): the request header carrying the member's email, "
                    "trusted only from trusted_proxies. None = sign-in links only.",
            .example = "X-Forwarded-Email", .example_commented = true},
    Setting{.section = "console", .key = "trusted_proxies", .type = T::string_list,
            .need = depends,
            .help = "The proxies' own addresses (exact IP addresses) whose proxy_user_header "
                    "is believed; needed with proxy_user_header.",
            .example = "127.0.0.1", .example_commented = true},

    // [form_service]
    Setting{.section = "form_service", .key = "listen", .type = T::listen,
            .default_value = "127.0.0.1:8081", .min = 1, .reload = restart,
            .help = "Where the form service listens (HOST:PORT), normally behind a TLS reverse "
                    "proxy."},
    Setting{.section = "form_service", .key = "metrics_listen", .type = T::listen,
            .default_value = "127.0.0.1:9466", .reload = restart,
            .help = "Where the form service serves /metrics, never on its public address. "
                    "\"\" for none."},
    Setting{.section = "form_service", .key = "threads", .type = T::integer,
            .default_value = "8", .min = 1, .max = 256, .reload = restart,
            .help = "Requests served at once. A client sending slowly holds one while it "
                    "sends (up to 15 s for each read), so allow for the busiest hour's "
                    "referrers."},
    Setting{.section = "form_service", .key = "spool_dir", .type = T::path,
            .default_value = "/var/lib/casegate/forms", .reload = restart,
            .help = "Where accepted submissions wait until the daemon pulls them."},
    Setting{.section = "form_service", .key = "assets_dir", .type = T::path,
            .default_value = "/usr/share/casegate/web/assets", .reload = restart,
            .help = "The NHS.UK frontend's style sheet and images, served under /assets/."},
    Setting{.section = "form_service", .key = "pull_token_file", .type = T::secret_file,
            .need = required,
            .help = "The bearer token the daemon shows to pull, as its [[form_endpoint]] "
                    "token_file.",
            .example = "forms-pull-token"},
    Setting{.section = "form_service", .key = "max_body_bytes", .type = T::integer,
            .default_value = "18874368", .min = 64 * 1024, .max = kGiB, .unit = "bytes",
            .help = "The largest request accepted. The daemon stores a submission with its "
                    "documents in base64 (a third larger), so keep this under three quarters of "
                    "the daemon's max_message_bytes, or larger ones are set aside there."},
    Setting{.section = "form_service", .key = "max_documents", .type = T::integer,
            .default_value = "10", .min = 0, .max = 100,
            .help = "The most documents attached to one submission."},
    Setting{.section = "form_service", .key = "max_document_bytes", .type = T::integer,
            .default_value = "10485760", .min = 1024, .max = kGiB, .unit = "bytes",
            .help = "The largest document; not above max_body_bytes."},
    Setting{.section = "form_service", .key = "rate_limit_per_address", .type = T::integer,
            .default_value = "20", .min = 1, .max = 100000, .unit = "submissions per hour",
            .help = "Accepted from one client address; more are refused until the hour has "
                    "passed."},
    Setting{.section = "form_service", .key = "trusted_proxies", .type = T::string_list,
            .help = "The reverse proxies' own addresses (exact IP addresses): from them, the "
                    "client is the last address of X-Forwarded-For, for the rate limit. None = "
                    "the connection's address.",
            .example = "127.0.0.1", .example_commented = true},
    Setting{.section = "form_service", .key = "employers_file", .type = T::path,
            .help = "The region's employers in NHS Digital's ODS layout (code, name, ...), "
                    "offered as suggestions for the employer; anything else may still be "
                    "written. None = a plain text box.",
            .example = "/usr/share/doc/casegate/examples/employers-east-of-england.csv",
            .example_commented = true},

    // [log]
    Setting{.section = "log", .key = "level", .type = T::enumeration, .default_value = "info",
            .choices = "trace debug info warn error",
            .help = "Names and free text are logged only at debug and trace."},
};
// clang-format on

}  // namespace

std::span<const SectionInfo> config_sections() {
    return kSections;
}
std::span<const Setting> config_settings() {
    return kSettings;
}

}  // namespace casegate::common
