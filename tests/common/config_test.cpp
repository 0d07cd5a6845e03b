// Configuration: every bad key or value is an error that names the key.
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/config.hpp"

using casegate::common::ConfigError;
using casegate::common::parse_config;

namespace {

std::string secret_file() {
    static const std::string path = [] {
        const std::string p = std::filesystem::temp_directory_path() / "casegate_config_test_secret";
        std::ofstream(p) << "hunter2\n";
        return p;
    }();
    return path;
}

std::string base(const std::string& mailbox_extra = "", const std::string& extra = "") {
    return "[database]\nconninfo = \"dbname=casegate\"\n"
           "[smtp]\nurl = \"smtp://127.0.0.1:2525\"\nfrom = \"casegate@x.nhs.uk\"\n"
           "[[mailbox]]\nname = \"referrals\"\nurl = \"imaps://imap.x.nhs.uk\"\nuser = \"u\"\n"
           "password_file = \"" + secret_file() + "\"\n" + mailbox_extra +
           "[[office]]\nname = \"Wessex\"\nadmin_emails = [\"a@x.nhs.uk\"]\n"
           "[routing]\ndefault_office = \"Wessex\"\n" + extra;
}

// Checks that parsing fails with a message that starts with the key.
void expect_error(const std::string& text, const std::string& key) {
    try {
        parse_config(text, "test.toml");
        BOOST_FAIL("no error for " + key);
    } catch (const ConfigError& e) {
        BOOST_TEST(std::string(e.what()).rfind(key, 0) == 0, "message '" << e.what() << "' should name " << key);
    }
}

}  // namespace

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

BOOST_AUTO_TEST_SUITE_END()
