// Configuration texts for the tests of common/: a minimal valid file for each program, a secret
// file, and a check that an error names the key.
#pragma once

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/config.hpp"

namespace casegate::test {

/// A file holding the secret "hunter2".
inline std::string secret_file() {
    static const std::string path = [] {
        const std::string p =
            std::filesystem::temp_directory_path() / "casegate_config_test_secret";
        std::ofstream(p) << "hunter2\n";
        return p;
    }();
    return path;
}

/// A minimal daemon configuration; mailbox_extra goes into its [[mailbox]], extra at the end
/// (after [routing]).
inline std::string base(const std::string& mailbox_extra = "", const std::string& extra = "") {
    return "[database]\nconninfo = \"dbname=casegate\"\n"
           "[smtp]\nurl = \"smtp://127.0.0.1:2525\"\nfrom = \"casegate@x.nhs.uk\"\n"
           "[[mailbox]]\nname = \"referrals\"\nurl = \"imaps://imap.x.nhs.uk\"\nuser = \"u\"\n"
           "password_file = \"" +
           secret_file() + "\"\n" + mailbox_extra +
           "[[office]]\nname = \"Wessex\"\nadmin_emails = [\"a@x.nhs.uk\"]\n"
           "[routing]\ndefault_office = \"Wessex\"\n" +
           extra;
}

/// A minimal form service configuration.
inline std::string form_service(const std::string& extra = "") {
    return "[form_service]\npull_token_file = \"" + secret_file() + "\"\n" + extra;
}

/// A minimal console configuration (its sign-in links are sent from [smtp] from).
inline std::string console(const std::string& extra = "") {
    return "[database]\nconninfo = \"dbname=casegate\"\n"
           "[smtp]\nurl = \"smtp://127.0.0.1:2525\"\nfrom = \"casegate@x.nhs.uk\"\n"
           "[[office]]\nname = \"Wessex\"\nadmin_emails = [\"a@x.nhs.uk\"]\n"
           "[console]\nbase_url = \"https://casegate.x.nhs.uk/\"\n" +
           extra;
}

/// Checks that parsing fails with a message that starts with the key.
inline void expect_error(const std::string& text, const std::string& key,
                         common::Program program = common::Program::daemon) {
    try {
        common::parse_config(text, "test.toml", program);
        BOOST_FAIL("no error for " + key);
    } catch (const common::ConfigError& e) {
        BOOST_TEST(std::string(e.what()).rfind(key + ":", 0) == 0,
                   "message '" << e.what() << "' should name " << key);
    }
}

/// Checks the whole message.
inline void expect_message(const std::string& text, const std::string& message,
                           common::Program program = common::Program::daemon) {
    try {
        common::parse_config(text, "test.toml", program);
        BOOST_FAIL("no error, expected " + message);
    } catch (const common::ConfigError& e) {
        BOOST_TEST(std::string(e.what()) == message);
    }
}

}  // namespace casegate::test
