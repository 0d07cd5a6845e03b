// A reload compares the running configuration with the new file key by key, using the table:
// a changed key that needs a restart keeps its running value; the others are applied.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

#include "common/config.hpp"
#include "tests/common/config_text.hpp"

using namespace casegate::common;
using casegate::test::base;
using casegate::test::secret_file;

namespace {

Config daemon(const std::string& text) {
    return parse_config(text, "test.toml");
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    text.replace(text.find(from), from.size(), to);
    return text;
}

std::vector<std::string> keys(const std::vector<ConfigChange>& changes) {
    std::vector<std::string> out;
    for (const auto& c : changes) out.push_back(c.key);
    return out;
}

using Keys = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_SUITE(config_reload)

// The same file: nothing changed, nothing to say.
BOOST_AUTO_TEST_CASE(same_file_changes_nothing) {
    const Config running = daemon(base());
    Config fresh = daemon(base());
    BOOST_TEST(changed_keys(running, fresh).empty());
    const ReloadPlan plan = plan_reload(running, fresh);
    BOOST_TEST(plan.applied.empty());
    BOOST_TEST(plan.kept.empty());
}

// Changed, added and removed keys are found, each with its row of the table; a key given with
// its default value is no change.
BOOST_AUTO_TEST_CASE(changed_keys_key_by_key) {
    const Config running = daemon(base());
    const Config fresh = daemon(base("poll_interval = 120\nfolder = \"INBOX\"\n",
                                     "[log]\nlevel = \"debug\"\n"
                                     "[[mailbox]]\nname = \"drop\"\nurl = \"maildir:/var/d\"\n"));
    const auto changes = changed_keys(running, fresh);
    BOOST_TEST(keys(changes) == (Keys{"log.level", "mailbox[0].poll_interval", "mailbox[1].folder",
                                      "mailbox[1].name", "mailbox[1].poll_interval",
                                      "mailbox[1].processed_folder", "mailbox[1].url"}),
               boost::test_tools::per_element());
    BOOST_TEST(changes[1].setting == find_setting("mailbox", "poll_interval"));
    // Removed: the other way round.
    BOOST_TEST(changed_keys(fresh, running).size() == changes.size());
}

// Reloadable keys are applied; the database needs a restart: the running value stays, and the
// next reload says so again.
BOOST_AUTO_TEST_CASE(restart_keys_keep_the_running_value) {
    const Config running = daemon(base());
    const std::string next = replaced(base("poll_interval = 120\n", "[log]\nlevel = \"debug\"\n"),
                                      "dbname=casegate", "dbname=other");
    Config fresh = daemon(next);
    const ReloadPlan plan = plan_reload(running, fresh);
    BOOST_TEST(plan.kept == Keys{"database.conninfo"}, boost::test_tools::per_element());
    BOOST_TEST(plan.applied == (Keys{"log.level", "mailbox[0].poll_interval"}),
               boost::test_tools::per_element());
    BOOST_TEST(fresh.database_conninfo == running.database_conninfo);
    BOOST_TEST(fresh.mailboxes[0].poll_interval == 120);
    BOOST_TEST(fresh.log_level == "debug");

    Config again = daemon(next);
    const ReloadPlan second = plan_reload(fresh, again);
    BOOST_TEST(second.kept == Keys{"database.conninfo"}, boost::test_tools::per_element());
    BOOST_TEST(second.applied.empty());
}

// A password file named anew needs a restart too: conninfo keeps the running password.
BOOST_AUTO_TEST_CASE(database_password_file_needs_a_restart) {
    const auto other = std::filesystem::temp_directory_path() / "casegate_reload_test_pw";
    std::ofstream(other) << "new-password\n";
    const Config running = daemon(
        replaced(base(), "conninfo = \"dbname=casegate\"\n",
                 "conninfo = \"dbname=casegate\"\npassword_file = \"" + secret_file() + "\"\n"));
    Config fresh = daemon(
        replaced(base(), "conninfo = \"dbname=casegate\"\n",
                 "conninfo = \"dbname=casegate\"\npassword_file = \"" + other.string() + "\"\n"));
    BOOST_TEST(fresh.database_conninfo.find("new-password") != std::string::npos);
    const ReloadPlan plan = plan_reload(running, fresh);
    BOOST_TEST(plan.kept == Keys{"database.password_file"}, boost::test_tools::per_element());
    BOOST_TEST(fresh.database_conninfo == running.database_conninfo);
    BOOST_TEST(fresh.values.at("database.password_file") == secret_file());
    std::filesystem::remove(other);
}

// The console's and the form service's addresses need a restart; the rest applies.
BOOST_AUTO_TEST_CASE(listen_addresses_need_a_restart) {
    using casegate::test::console;
    using casegate::test::form_service;
    const Config c1 = parse_config(console(), "t", Program::console);
    Config c2 = parse_config(
        replaced(console("listen = \"127.0.0.1:9090\"\n"), "casegate.x.nhs.uk", "cg.x.nhs.uk"), "t",
        Program::console);
    const ReloadPlan pc = plan_reload(c1, c2);
    BOOST_TEST(pc.kept == Keys{"console.listen"}, boost::test_tools::per_element());
    BOOST_TEST(pc.applied == Keys{"console.base_url"}, boost::test_tools::per_element());
    BOOST_TEST(c2.console.listen == "127.0.0.1:8080");
    BOOST_TEST(c2.console.base_url == "https://cg.x.nhs.uk/");

    const Config f1 = parse_config(form_service(), "t", Program::form_service);
    Config f2 = parse_config(form_service("spool_dir = \"/srv/spool\"\nmax_documents = 2\n"), "t",
                             Program::form_service);
    const ReloadPlan pf = plan_reload(f1, f2);
    BOOST_TEST(pf.kept == Keys{"form_service.spool_dir"}, boost::test_tools::per_element());
    BOOST_TEST(pf.applied == Keys{"form_service.max_documents"}, boost::test_tools::per_element());
    BOOST_TEST(f2.form_service.spool_dir == f1.form_service.spool_dir);
    BOOST_TEST(f2.form_service.max_documents == 2);
}

// Every key of the table that needs a restart has its running value kept (none is left to
// plan_reload's "no way to keep" error).
BOOST_AUTO_TEST_CASE(every_restart_key_can_be_kept) {
    for (const Setting& s : config_settings()) {
        if (s.reload != Reload::restart) continue;
        const SectionInfo* info = find_section(s.section);
        BOOST_REQUIRE(info);
        std::string key = std::string(s.section);
        if (info->array) key += "[0]";
        key += "." + std::string(s.key);
        Config running;
        Config fresh;
        running.values[key] = "a";
        fresh.values[key] = "b";
        ReloadPlan plan;
        BOOST_CHECK_NO_THROW(plan = plan_reload(running, fresh));
        BOOST_TEST(plan.kept == Keys{key}, boost::test_tools::per_element());
        BOOST_TEST(fresh.values.at(key) == "a");
    }
}

BOOST_AUTO_TEST_SUITE_END()
