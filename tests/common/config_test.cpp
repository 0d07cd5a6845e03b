// Configuration: every bad key or value is an error that names the key.
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/config.hpp"
#include "tests/common/config_text.hpp"

using casegate::common::ConfigError;
using casegate::common::parse_config;
using casegate::common::Program;
using casegate::test::base;
using casegate::test::expect_error;
using casegate::test::expect_message;
using casegate::test::secret_file;

BOOST_AUTO_TEST_SUITE(config)

// A minimal valid file loads, with defaults and the secret read from its file.
BOOST_AUTO_TEST_CASE(minimal_file_loads_with_defaults) {
    const auto c = parse_config(base(), "test.toml");
    BOOST_REQUIRE_EQUAL(c.mailboxes.size(), 1u);
    BOOST_TEST(c.mailboxes[0].password == "hunter2");
    BOOST_TEST(c.mailboxes[0].folder == "INBOX");
    BOOST_TEST(c.mailboxes[0].poll_interval == 60);
    BOOST_TEST(c.offices[0].designated_body == "1-1RUZUSF");
    BOOST_TEST(c.default_office == "Wessex");
    BOOST_TEST(!c.include_details_in_alert);
}

// Unknown keys are errors naming the key, at any depth.
BOOST_AUTO_TEST_CASE(unknown_keys_are_errors) {
    expect_error(base("colour = \"blue\"\n"), "mailbox[0].colour");
    expect_error(base("", "[limits]\nmax_size = 3\n"), "limits.max_size");
    expect_error(base() + "typo = 1\n", "routing.typo");  // keys after [routing] belong to it
}

// Out-of-range and wrongly typed values name the key and the bound.
BOOST_AUTO_TEST_CASE(bad_values_name_the_key) {
    expect_error(base("poll_interval = 1\n"), "mailbox[0].poll_interval");
    expect_error(base("poll_interval = \"60\"\n"), "mailbox[0].poll_interval");
    expect_error(base("", "[limits]\nmax_mime_depth = 0\n"), "limits.max_mime_depth");
    expect_error(base("", "[log]\nlevel = \"loud\"\n"), "log.level");
}

// Offices must be real local offices with their own designated body code.
BOOST_AUTO_TEST_CASE(offices_are_checked_against_the_form) {
    std::string t = base();
    t.replace(t.find("Wessex"), 6, "Atlantis");
    expect_error(t, "office[0].name");
    std::string u = base();
    u.replace(u.find("admin_emails"), 0, "designated_body = \"1-1RSSQ05\"\n");
    expect_error(u, "office[0].designated_body");
    std::string v = base();
    v.replace(v.find("a@x.nhs.uk"), 10, "not an address");
    expect_error(v, "office[0].admin_emails");
}

// The default office must be one of the configured offices.
BOOST_AUTO_TEST_CASE(default_office_must_be_configured) {
    std::string t = base();
    t.replace(t.rfind("Wessex"), 6, "Kent, Surrey and Sussex");
    expect_error(t, "routing.default_office");
}

// A secret given by bare name is read from systemd's credentials directory.
BOOST_AUTO_TEST_CASE(secret_from_credentials_directory) {
    const auto dir = std::filesystem::temp_directory_path() / "casegate_creds_test";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "imap-referrals") << "from-credential\n";
    setenv("CREDENTIALS_DIRECTORY", dir.c_str(), 1);
    std::string t = base();
    t.replace(t.find(secret_file()), secret_file().size(), "imap-referrals");
    const auto c = parse_config(t, "test.toml");
    BOOST_TEST(c.mailboxes[0].password == "from-credential");
    unsetenv("CREDENTIALS_DIRECTORY");
    expect_error(t, "mailbox[0].password_file");
    std::filesystem::remove_all(dir);
}

// Secrets never appear in error messages, and a missing secret file names the key.
BOOST_AUTO_TEST_CASE(missing_secret_file_names_key) {
    std::string t = base();
    t.replace(t.find(secret_file()), secret_file().size(), "/nonexistent/secret");
    expect_error(t, "mailbox[0].password_file");
}

// Syntax errors are reported as such rather than crashing.
BOOST_AUTO_TEST_CASE(syntax_error_is_reported) {
    BOOST_CHECK_THROW(parse_config("[database\nconninfo = 1", "t.toml"), ConfigError);
}

// An IMAP URL with a path, or an unknown scheme, is refused.
BOOST_AUTO_TEST_CASE(mailbox_url_is_checked) {
    std::string t = base();
    t.replace(t.find("imaps://imap.x.nhs.uk"), 21, "pop3://imap.x.nhs.uk");
    expect_error(t, "mailbox[0].url");
    std::string u = base();
    u.replace(u.find("imaps://imap.x.nhs.uk"), 21, "imaps://imap.x.nhs.uk/INBOX");
    expect_error(u, "mailbox[0].url");
}

// A [revalidation] section: feeds, secrets and the office bodies; absent means off.
std::string reval(const std::string& extra = "") {
    return "[revalidation]\ntis_url = \"/var/lib/casegate/tis.jsonl\"\n"
           "url = \"https://gmc.example.org/GMCWebServices\"\nusername = \"svc\"\n"
           "password_file = \"" +
           secret_file() + "\"\n" + extra;
}

// No [revalidation] section: the check is off and nothing is required.
BOOST_AUTO_TEST_CASE(revalidation_absent_is_off) {
    const auto c = parse_config(base(), "test.toml");
    BOOST_TEST(!c.revalidation.enabled);
}

// A minimal section switches the check on with the documented defaults.
BOOST_AUTO_TEST_CASE(revalidation_defaults) {
    const auto c = parse_config(base("", reval()), "test.toml");
    const auto& r = c.revalidation;
    BOOST_TEST(r.enabled);
    BOOST_TEST(r.interval == 3600);
    BOOST_TEST(r.is_file_feed());
    BOOST_TEST(r.gmc_url == "https://gmc.example.org/GMCWebServices");
    BOOST_TEST(r.gmc_username == "svc");
    BOOST_TEST(r.gmc_password == "hunter2");
    BOOST_TEST(r.gmc_namespace.empty());
    BOOST_TEST(r.internal_user == "casegate");
    BOOST_TEST(r.timeout == 120);
    BOOST_TEST(r.max_shrink_fraction == 0.25);
    BOOST_TEST(r.min_previous_rows == 50);
    BOOST_TEST(r.max_error_fraction == 0.02);
    BOOST_TEST(r.retry_initial == 60);
    BOOST_TEST(r.retry_max == 3600);
    BOOST_TEST(c.office_of_body("1-1RUZUSF") == &c.offices[0]);
    BOOST_TEST(c.office_of_body("1-1RSSQ05") == nullptr);
}

// Every key is read: overrides land where they should.
BOOST_AUTO_TEST_CASE(revalidation_overrides) {
    const auto c = parse_config(
        base("", reval("interval = 600\nnamespace = \"http://www.gmc-uk.org/\"\n"
                       "soap_action = \"http://www.gmc-uk.org/\"\ninternal_user = \"reval\"\n"
                       "timeout = 30\nmax_shrink_fraction = 0.5\nmin_previous_rows = 10\n"
                       "max_error_fraction = 0\nretry_initial = 5\nretry_max = 50\n"
                       "requests_per_turn = 3\nmax_listed = 7\n"
                       "tis_token_file = \"" +
                       secret_file() + "\"\n")),
        "test.toml");
    const auto& r = c.revalidation;
    BOOST_TEST(r.interval == 600);
    BOOST_TEST(r.gmc_namespace == "http://www.gmc-uk.org/");
    BOOST_TEST(r.gmc_soap_action == "http://www.gmc-uk.org/");
    BOOST_TEST(r.internal_user == "reval");
    BOOST_TEST(r.timeout == 30);
    BOOST_TEST(r.max_shrink_fraction == 0.5);
    BOOST_TEST(r.min_previous_rows == 10);
    BOOST_TEST(r.max_error_fraction == 0.0);
    BOOST_TEST(r.retry_initial == 5);
    BOOST_TEST(r.retry_max == 50);
    BOOST_TEST(r.requests_per_turn == 3);
    BOOST_TEST(r.max_listed == 7);
    BOOST_TEST(r.tis_token == "hunter2");
}

// Unknown keys, bad values and missing feeds name the key.
BOOST_AUTO_TEST_CASE(revalidation_errors_name_the_key) {
    expect_error(base("", reval("colour = 1\n")), "revalidation.colour");
    expect_error(base("", reval("interval = 5\n")), "revalidation.interval");
    expect_error(base("", reval("interval = \"hourly\"\n")), "revalidation.interval");
    expect_error(base("", reval("max_shrink_fraction = 1.5\n")),
                 "revalidation.max_shrink_fraction");
    expect_error(base("", reval("max_error_fraction = \"2%\"\n")),
                 "revalidation.max_error_fraction");
    expect_error(base("", reval("retry_initial = 100\nretry_max = 10\n")),
                 "revalidation.retry_max");
    expect_error(base("", reval("enabled = \"yes\"\n")), "revalidation.enabled");
    expect_error(base("", reval("namespace = \"\"\n")), "revalidation.namespace");
    expect_error(base("", "[revalidation]\nurl = \"https://gmc.example.org/\"\n"),
                 "revalidation.tis_url");
    std::string no_password = reval();
    no_password.erase(no_password.find("password_file"));
    expect_error(base("", no_password), "revalidation.password_file");
    std::string plain = reval();
    plain.replace(plain.find("https://gmc.example.org"), 23, "http://gmc.example.org");
    expect_error(base("", plain), "revalidation.url");
    std::string relative = reval();
    relative.replace(relative.find("/var/lib"), 8, "var/lib");
    expect_error(base("", relative), "revalidation.tis_url");
    std::string missing = reval();
    missing.replace(missing.find(secret_file()), secret_file().size(), "/nonexistent/gmc");
    expect_error(base("", missing), "revalidation.password_file");
}

// Switched off, a half-written section is accepted (but still checked for unknown keys), and
// plain http:// is accepted to a loopback host (the test servers).
BOOST_AUTO_TEST_CASE(revalidation_disabled_and_loopback) {
    const auto c = parse_config(base("", "[revalidation]\nenabled = false\n"), "test.toml");
    BOOST_TEST(!c.revalidation.enabled);
    expect_error(base("", "[revalidation]\nenabled = false\nurl2 = 1\n"), "revalidation.url2");
    std::string loop = reval();
    loop.replace(loop.find("https://gmc.example.org"), 23, "http://127.0.0.1:8080");
    loop.replace(loop.find("/var/lib/casegate/tis.jsonl"), 27, "http://localhost:8080/tis");
    const auto d = parse_config(base("", loop), "test.toml");
    BOOST_TEST(d.revalidation.gmc_url == "http://127.0.0.1:8080/GMCWebServices");
    BOOST_TEST(!d.revalidation.is_file_feed());
}

// A maildir: mailbox takes no IMAP login, and says so rather than "unknown key".
BOOST_AUTO_TEST_CASE(maildir_mailbox_refuses_imap_keys) {
    const std::string drop = "[[mailbox]]\nname = \"drop\"\nurl = \"maildir:/var/drop\"\n";
    const auto c = parse_config(base() + drop, "test.toml");
    BOOST_TEST(c.mailboxes[1].is_maildir());
    expect_message(base() + drop + "user = \"u\"\n",
                   "mailbox[1].user: is not used by a maildir: mailbox");
}

// Top-level keys are sections of the table; anything else is named.
BOOST_AUTO_TEST_CASE(unknown_sections_are_errors) {
    expect_message("[colour]\nx = 1\n" + base(), "colour: unknown section");
    expect_message("colour = 1\n" + base(), "colour: unknown key");
    expect_message(base() + "[[office.staff]]\nname = \"A\"\nemail = \"a@x.nhs.uk\"\n"
                            "role = \"admin\"\ncolour = 1\n",
                   "office[0].staff[0].colour: unknown key");
}

// Staff: name, email and role each checked and named; an address is one member's across all
// offices, whatever its case.
BOOST_AUTO_TEST_CASE(office_staff) {
    const std::string staff =
        "[[office.staff]]\nname = \"Alex Admin\"\nemail = \"alex.admin@x.nhs.uk\"\n"
        "role = \"admin\"\n"
        "[[office.staff]]\nname = \"Dr Casey Manager\"\nemail = \"casey@x.nhs.uk\"\n"
        "role = \"case_manager\"\n";
    std::string t = base();
    t.insert(t.find("[routing]"), staff);
    const auto c = parse_config(t, "test.toml");
    BOOST_REQUIRE_EQUAL(c.offices[0].staff.size(), 2u);
    BOOST_TEST(c.offices[0].staff[0].name == "Alex Admin");
    BOOST_TEST(c.offices[0].staff[0].email == "alex.admin@x.nhs.uk");
    BOOST_TEST((c.offices[0].staff[0].role == casegate::common::StaffRole::admin));
    BOOST_TEST((c.offices[0].staff[1].role == casegate::common::StaffRole::case_manager));

    std::string bad_role = t;
    bad_role.replace(bad_role.find("\"case_manager\""), 14, "\"manager\"");
    expect_message(bad_role, "office[0].staff[1].role: must be one of admin, case_manager");
    std::string no_role = t;
    no_role.erase(no_role.find("role = \"admin\"\n"), 15);
    expect_message(no_role, "office[0].staff[0].role: is required");
    std::string bad_email = t;
    bad_email.replace(bad_email.find("casey@x.nhs.uk"), 14, "casey at x.nhs.uk");
    expect_error(bad_email, "office[0].staff[1].email");

    // The same address in another office, in capitals.
    std::string twice = t;
    twice.insert(twice.find("[routing]"),
                 "[[office]]\nname = \"East of England\"\nadmin_emails = [\"e@x.nhs.uk\"]\n"
                 "[[office.staff]]\nname = \"Alex\"\nemail = \"Alex.Admin@X.nhs.uk\"\n"
                 "role = \"case_manager\"\n");
    expect_message(twice,
                   "office[1].staff[0].email: 'Alex.Admin@X.nhs.uk' is already "
                   "office[0].staff[0].email (addresses are compared ignoring case)");

    std::string table = base();
    table.insert(table.find("[routing]"),
                 "[office.staff]\nname = \"A\"\nemail = \"a@x.nhs.uk\"\nrole = \"admin\"\n");
    expect_error(table, "office[0].staff");
}

// [[form_endpoint]]: a pull source beside the mailboxes, with its own name.
BOOST_AUTO_TEST_CASE(form_endpoint) {
    const std::string endpoint = "[[form_endpoint]]\nname = \"web\"\n"
                                 "url = \"https://forms.x.nhs.uk/pull\"\ntoken_file = \"" +
                                 secret_file() + "\"\n";
    const auto c = parse_config(base() + endpoint, "test.toml");
    BOOST_REQUIRE_EQUAL(c.form_endpoints.size(), 1u);
    BOOST_TEST(c.form_endpoints[0].name == "web");
    BOOST_TEST(c.form_endpoints[0].token == "hunter2");
    BOOST_TEST(c.form_endpoints[0].poll_interval == 60);

    std::string same_name = base() + endpoint;
    same_name.replace(same_name.find("\"web\""), 5, "\"referrals\"");
    expect_error(same_name, "form_endpoint[0].name");
    std::string plain = base() + endpoint;
    plain.replace(plain.find("https://forms"), 13, "http://forms");
    expect_error(plain, "form_endpoint[0].url");
    std::string no_token = base() + endpoint;
    no_token.erase(no_token.find("token_file"));
    expect_message(no_token, "form_endpoint[0].token_file: is required");
    expect_error(base() + endpoint + "poll_interval = 1\n", "form_endpoint[0].poll_interval");
}

// [[oauth2]]: a client named by a mailbox (instead of its password) and by [smtp]; every
// cross-key rule names the key.
BOOST_AUTO_TEST_CASE(oauth2_clients) {
    const std::string client = "[[oauth2]]\nname = \"m365\"\n"
                               "token_url = \"https://login.example.com/t/oauth2/v2.0/token\"\n"
                               "client_id = \"app\"\nclient_secret_file = \"" +
                               secret_file() + "\"\n";
    std::string text = base("", client);
    text.replace(text.find("password_file"), 13, "oauth2 = \"m365\"\n# password_file");
    const auto c = parse_config(text, "test.toml");
    BOOST_REQUIRE_EQUAL(c.oauth2_clients.size(), 1u);
    BOOST_TEST(c.mailboxes[0].oauth2 == "m365");
    BOOST_TEST(c.mailboxes[0].password.empty());
    const casegate::common::OAuth2Config& o = *c.oauth2_client("m365");
    BOOST_TEST(o.client_secret == "hunter2");
    BOOST_TEST(o.scope == casegate::common::OAuth2Config{}.scope);
    BOOST_TEST(o.warn_days == 14);
    BOOST_TEST(o.refresh_token.empty());

    std::string smtp = text;
    smtp.replace(smtp.find("from = "), 7, "oauth2 = \"m365\"\nfrom = ");
    BOOST_TEST(parse_config(smtp, "test.toml").smtp.oauth2 == "m365");

    std::string unknown = text;
    unknown.replace(unknown.find("oauth2 = \"m365\""), 15, "oauth2 = \"m366\"");
    expect_message(unknown, "mailbox[0].oauth2: names no [[oauth2]] client 'm366'");
    expect_message(base("oauth2 = \"m365\"\n", client),
                   "mailbox[0].oauth2: give one of password_file, oauth2_token_file and oauth2");
    expect_error(base("", client + "client_secret_expires = \"2027-02-30\"\n"),
                 "oauth2[0].client_secret_expires");
    std::string no_secret = base("", client);
    no_secret.erase(no_secret.find("client_secret_file"));
    expect_message(no_secret, "oauth2[0].client_secret_file: is required for client credentials "
                              "(without refresh_token_file)");
    expect_error(base("", client + "refresh_token_store = \"/var/lib/casegate/rt\"\n"),
                 "oauth2[0].refresh_token_store");
    std::string plain = base("", client);
    plain.replace(plain.find("https://login"), 13, "http://login");
    expect_error(plain, "oauth2[0].token_url");
    expect_error(base("", client + client), "oauth2[1].name");

    // The refresh token grant: a public client needs no secret.
    std::string refresh = base("", client);
    refresh.replace(refresh.find("client_secret_file"), 18, "refresh_token_file");
    const auto r = parse_config(refresh + "refresh_token_store = \"/var/lib/casegate/rt\"\n",
                                "test.toml");
    BOOST_TEST(r.oauth2_clients[0].refresh_token == "hunter2");
    BOOST_TEST(r.oauth2_clients[0].client_secret.empty());
}

// The structs' own defaults are the table's: code that makes a Config without a file (e.g.
// `casegate parse` uses Limits{}) behaves as a file that leaves the keys out.
BOOST_AUTO_TEST_CASE(struct_defaults_are_the_table_defaults) {
    using namespace casegate::common;
    const Config d = parse_config(base(), "test.toml");
    const Limits l;
    BOOST_TEST(d.limits.max_message_bytes == l.max_message_bytes);
    BOOST_TEST(d.limits.max_header_bytes == l.max_header_bytes);
    BOOST_TEST(d.limits.max_mime_depth == l.max_mime_depth);
    BOOST_TEST(d.limits.max_parts == l.max_parts);
    BOOST_TEST(d.limits.parse_timeout == l.parse_timeout);
    BOOST_TEST(d.limits.parse_memory_mb == l.parse_memory_mb);
    BOOST_TEST(d.limits.max_attempts == l.max_attempts);
    const OutboxConfig o;
    BOOST_TEST(d.outbox.retry_initial == o.retry_initial);
    BOOST_TEST(d.outbox.retry_max == o.retry_max);
    BOOST_TEST(d.outbox.max_attempts == o.max_attempts);
    const MailboxConfig m;
    BOOST_TEST(d.mailboxes[0].folder == m.folder);
    BOOST_TEST(d.mailboxes[0].processed_folder == m.processed_folder);
    BOOST_TEST(d.mailboxes[0].poll_interval == m.poll_interval);
    BOOST_TEST(d.smtp.from_name == SmtpConfig{}.from_name);
    BOOST_TEST(d.log_level == Config{}.log_level);
    BOOST_TEST(d.include_details_in_alert == Config{}.include_details_in_alert);

    const Config rv = parse_config(base("", reval()), "test.toml");
    const RevalidationConfig r;  // `enabled` alone differs: an absent section is off
    BOOST_TEST(rv.revalidation.interval == r.interval);
    BOOST_TEST(rv.revalidation.internal_user == r.internal_user);
    BOOST_TEST(rv.revalidation.timeout == r.timeout);
    BOOST_TEST(rv.revalidation.max_shrink_fraction == r.max_shrink_fraction);
    BOOST_TEST(rv.revalidation.min_previous_rows == r.min_previous_rows);
    BOOST_TEST(rv.revalidation.max_error_fraction == r.max_error_fraction);
    BOOST_TEST(rv.revalidation.retry_initial == r.retry_initial);
    BOOST_TEST(rv.revalidation.retry_max == r.retry_max);
    BOOST_TEST(rv.revalidation.requests_per_turn == r.requests_per_turn);
    BOOST_TEST(rv.revalidation.max_listed == r.max_listed);

    const Config fe =
        parse_config(base() + "[[form_endpoint]]\nname = \"w\"\nurl = \"https://f.x/\"\n"
                              "token_file = \"" + secret_file() + "\"\n",
                     "test.toml");
    BOOST_TEST(fe.form_endpoints[0].poll_interval == FormEndpointConfig{}.poll_interval);

    const Config co = parse_config(casegate::test::console(), "test.toml", Program::console);
    BOOST_TEST(co.console.listen == ConsoleConfig{}.listen);

    const Config fs =
        parse_config(casegate::test::form_service(), "test.toml", Program::form_service);
    const FormServiceConfig f;
    BOOST_TEST(fs.form_service.listen == f.listen);
    BOOST_TEST(fs.form_service.spool_dir == f.spool_dir);
    BOOST_TEST(fs.form_service.max_body_bytes == f.max_body_bytes);
    BOOST_TEST(fs.form_service.max_documents == f.max_documents);
    BOOST_TEST(fs.form_service.max_document_bytes == f.max_document_bytes);
    BOOST_TEST(fs.form_service.rate_limit_per_address == f.rate_limit_per_address);
    BOOST_TEST(fs.form_service.threads == f.threads);
}

// Config::values holds every key read, secrets by their file's name only.
BOOST_AUTO_TEST_CASE(values_hold_no_secret) {
    const auto c = parse_config(base(), "test.toml");
    BOOST_TEST(c.values.at("mailbox[0].poll_interval") == "60");
    BOOST_TEST(c.values.at("mailbox[0].password_file") == secret_file());
    BOOST_TEST(c.values.at("office[0].designated_body") == "1-1RUZUSF");
    for (const auto& [key, value] : c.values) {
        BOOST_TEST(value.find("hunter2") == std::string::npos, key);
    }
}

BOOST_AUTO_TEST_SUITE_END()

// Each program reads the sections it uses.
BOOST_AUTO_TEST_SUITE(config_programs)

// The form service needs only [form_service]: no [database], [smtp] or [[office]].
BOOST_AUTO_TEST_CASE(form_service_needs_only_its_section) {
    const auto c =
        parse_config(casegate::test::form_service("max_documents = 3\n") +
                         "[log]\nlevel = \"debug\"\n",
                     "test.toml", Program::form_service);
    BOOST_TEST((c.program == Program::form_service));
    BOOST_TEST(c.form_service.pull_token == "hunter2");
    BOOST_TEST(c.form_service.max_documents == 3);
    BOOST_TEST(c.log_level == "debug");
    BOOST_TEST(c.offices.empty());
    BOOST_TEST(c.database_conninfo.empty());
    expect_message("[log]\nlevel = \"info\"\n", "form_service: section is required",
                   Program::form_service);
}

// ... and refuses the others, which would bring secrets it must not hold onto its host.
BOOST_AUTO_TEST_CASE(form_service_refuses_other_sections) {
    const std::string f = casegate::test::form_service();
    expect_error(f + "[smtp]\nurl = \"smtps://s.x\"\nfrom = \"a@x.nhs.uk\"\n", "smtp",
                 Program::form_service);
    expect_error(f + "[database]\nconninfo = \"dbname=x\"\n", "database", Program::form_service);
    expect_error(base() + "[form_service]\npull_token_file = \"t\"\n", "database",
                 Program::form_service);
}

// The form service's own keys: limits, addresses and paths.
BOOST_AUTO_TEST_CASE(form_service_values) {
    using casegate::test::form_service;
    expect_error(form_service("listen = \"8081\"\n"), "form_service.listen", Program::form_service);
    expect_error(form_service("listen = \"127.0.0.1:99999\"\n"), "form_service.listen",
                 Program::form_service);
    expect_error(form_service("listen = \"::1:8081\"\n"), "form_service.listen",
                 Program::form_service);
    const auto v6 = parse_config(form_service("listen = \"[::1]:8081\"\n"), "test.toml",
                                 Program::form_service);
    BOOST_TEST(v6.form_service.listen == "[::1]:8081");
    expect_error(form_service("spool_dir = \"spool\"\n"), "form_service.spool_dir",
                 Program::form_service);
    expect_error(form_service("max_documents = 101\n"), "form_service.max_documents",
                 Program::form_service);
    expect_message(form_service("max_body_bytes = 100000\nmax_document_bytes = 200000\n"),
                   "form_service.max_document_bytes: must not be above max_body_bytes",
                   Program::form_service);
    expect_error(form_service("threads = 0\n"), "form_service.threads", Program::form_service);
    BOOST_TEST(parse_config(form_service("threads = 32\n"), "test.toml", Program::form_service)
                   .form_service.threads == 32);
    expect_error(form_service("rate_limit_per_address = 0\n"),
                 "form_service.rate_limit_per_address", Program::form_service);
    std::string missing = form_service();
    missing.replace(missing.find(secret_file()), secret_file().size(), "/nonexistent/token");
    expect_error(missing, "form_service.pull_token_file", Program::form_service);
}

// The console needs [database], [[office]] and [console]; not [smtp] nor [[mailbox]].
BOOST_AUTO_TEST_CASE(console_needs_its_sections) {
    using casegate::test::console;
    const auto c = parse_config(console("listen = \"0.0.0.0:9000\"\n"), "test.toml",
                                Program::console);
    BOOST_TEST(c.console.listen == "0.0.0.0:9000");
    BOOST_TEST(c.console.base_url == "https://casegate.x.nhs.uk/");
    BOOST_TEST(c.offices.size() == 1u);
    std::string no_console = console();
    no_console.erase(no_console.find("[console]"));
    expect_message(no_console, "console: section is required", Program::console);
    std::string no_smtp = console();
    no_smtp.erase(no_smtp.find("[smtp]"), no_smtp.find("[[office]]") - no_smtp.find("[smtp]"));
    expect_message(no_smtp, "smtp: section is required", Program::console);
    std::string no_office = console();
    const auto office_at = no_office.find("[[office]]");
    no_office.erase(office_at, no_office.find("[console]") - office_at);
    expect_message(no_office, "office: at least one [[office]] is required", Program::console);
    std::string plain = console();
    plain.replace(plain.find("https://casegate"), 16, "http://casegate");
    expect_error(plain, "console.base_url", Program::console);
    // The daemon needs no [console] and checks one it finds.
    expect_error(base() + "[console]\nlisten = \"nowhere\"\n", "console.listen");
}

// On the daemon's host one file serves both: the console checks the daemon's sections but
// reads none of their secrets, and the daemon does not read the form service's.
BOOST_AUTO_TEST_CASE(unused_sections_are_checked_not_loaded) {
    std::string t = base("", "[console]\nbase_url = \"https://casegate.x.nhs.uk/\"\n");
    t.replace(t.find(secret_file()), secret_file().size(), "/nonexistent/imap-secret");
    t.insert(t.find("[[mailbox]]"), "password_file = \"/nonexistent/smtp-secret\"\n");
    const auto c = parse_config(t, "test.toml", Program::console);
    BOOST_TEST(c.mailboxes.empty());
    BOOST_TEST(c.smtp.from == "casegate@x.nhs.uk");  // the sender of its sign-in links
    BOOST_TEST(c.smtp.password.empty());
    BOOST_TEST(c.values.count("mailbox[0].password_file") == 0u);
    expect_error(t + "[limits]\nmax_parts = 0\n", "limits.max_parts", Program::console);
    std::string typo = t;
    typo.insert(typo.find("[[mailbox]]"), "colour = 1\n");
    expect_error(typo, "smtp.colour", Program::console);
    const auto d = parse_config(base("", "[form_service]\npull_token_file = \"/nonexistent\"\n"),
                                "test.toml");
    BOOST_TEST(d.form_service.pull_token.empty());
}

BOOST_AUTO_TEST_SUITE_END()
