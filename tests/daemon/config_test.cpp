// Configuration: every bad key or value is an error that names the key.
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "daemon/config.hpp"

using casegate::daemon::ConfigError;
using casegate::daemon::parse_config;

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

BOOST_AUTO_TEST_SUITE_END()
