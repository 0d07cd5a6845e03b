// End-to-end: three `casegate run` processes (the real binary) on one IMAP mailbox and one
// PostgreSQL database, one of them killed with SIGKILL while it holds claimed items. Checked:
// one case (or incomplete submission) per distinct referral, every copy marked duplicate
// (copies without a Message-ID included), each notification received once by the SMTP server
// (counted by Message-ID), no attempt charged for the items taken over from the killed process,
// and one revalidation run per interval across the three.
#include <signal.h>
#include <sys/wait.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/e2e_support.hpp"
#include "tests/feeds/fake_gmc.hpp"

using namespace casegate::e2e;
namespace fs = std::filesystem;

namespace {

constexpr int kNodes = 3;
constexpr int kDistinct = 200;

// What the i-th distinct message is: i % 6 == 4 an incomplete referral (no GMC number),
// i % 6 == 5 a complete one without a Message-ID, else a complete one with a Message-ID.
// Every seventh is delivered twice, byte for byte.
bool incomplete(int i) { return i % 6 == 4; }
bool without_message_id(int i) { return i % 6 == 5; }
bool copied(int i) { return i % 7 == 0; }

std::string message(int i) {
    std::string raw = referral(1000 + i, incomplete(i) ? "" : std::to_string(7100000 + i));
    if (without_message_id(i)) {
        const auto at = raw.find("Message-ID: ");
        raw.erase(at, raw.find("\r\n", at) + 2 - at);
    }
    return raw;
}

const std::string kEoe = "1-1RSSQ05";  // East of England
const std::string kEm = "1-1RSSPZ7";   // East Midlands

// The fake GMC Connect and the TIS extract agree on one doctor per office, so that the
// revalidation runs have nothing to alert about.
std::string gmc_state() {
    const auto row = [](const std::string& gmc) {
        return R"([{"GMCReferenceNumber":")" + gmc +
               R"(","DoctorFirstName":"Grace","DoctorLastName":"Hopper","DateAdded":"10/08/2025",)"
               R"("SubmissionDate":"01/01/2030","UnderNotice":"NO","DoctorStatus":"LICENSED"}])";
    };
    return R"({"credentials":{"username":"svc","password":"gmc-secret"},"dbs":{")" + kEoe +
           "\":" + row("7000001") + ",\"" + kEm + "\":" + row("7000002") + "}}";
}

std::string tis_person(const std::string& id, const std::string& gmc, const std::string& body) {
    return R"({"tis_person_id":")" + id + R"(","gmc_number":")" + gmc +
           R"(","forenames":"Ada","surname":"Byron","status":"ACTIVE","current_grade":"ST3",)"
           R"("programme_memberships":[{"id":"PM-)" +
           id +
           R"(","programme_name":"Cardiology","type":"SUBSTANTIVE","start_date":"2020-01-01",)"
           R"("end_date":"2099-12-31","designated_body":")" +
           body + R"("}]})" + "\n";
}

// The lines of a process's log holding `what`; none while the log is not there yet.
std::vector<std::string> lines_of(const std::string& log, const std::string& what) {
    if (!fs::exists(log)) return {};
    return log_lines(log, what);
}

// The database sessions a process used for processing, from its log.
std::set<std::string> sessions_of(const std::string& log) {
    std::set<std::string> out;
    static const std::regex re("items claimed count=[0-9]+ session=([0-9]+)");
    for (const std::string& line : lines_of(log, "items claimed")) {
        std::smatch m;
        if (std::regex_search(line, m, re)) out.insert(m[1]);
    }
    return out;
}

std::size_t revalidation_runs_logged(const std::vector<std::string>& logs) {
    std::size_t n = 0;
    for (const auto& log : logs) n += lines_of(log, "revalidation run applied=").size();
    return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(e2e_multi)

BOOST_FIXTURE_TEST_CASE(three_processes_share_one_database, Fresh) {
    const auto started = std::chrono::steady_clock::now();
    TestDb db;
    const std::string dir = Services::get().var + "/multi-e2e/" + std::to_string(getpid());
    fs::create_directories(dir);
    std::ofstream(dir + "/gmc.password") << "gmc-secret\n";
    std::ofstream(dir + "/tis.jsonl") << tis_person("P1", "7000001", kEoe)
                                      << tis_person("P2", "7000002", kEm);
    casegate::testing::FakeGmc gmc(gmc_state());
    ConfigOptions opt;
    opt.extra = "[revalidation]\ntis_url = \"" + dir + "/tis.jsonl\"\nurl = \"" + gmc.url() +
                "/GMCWebServices\"\nusername = \"svc\"\npassword_file = \"" + dir +
                "/gmc.password\"\ninterval = 3600\ntimeout = 10\n";
    TestConfig cfg(db, opt);

    std::vector<std::string> logs;
    std::vector<std::unique_ptr<Process>> nodes;
    for (int k = 0; k < kNodes; ++k) {
        logs.push_back(cfg.dir() + "/node" + std::to_string(k) + ".log");
        nodes.push_back(std::make_unique<Process>(
            std::vector<std::string>{casegate_binary(), "run", "--config", cfg.path()},
            std::map<std::string, std::string>{}, logs.back()));
    }

    // The first revalidation run: one, by whichever process claimed it.
    BOOST_REQUIRE(eventually([&] { return revalidation_runs_logged(logs) >= 1; },
                             std::chrono::seconds(20)));
    BOOST_TEST(count_or_unknown(db, "SELECT runs FROM schedules WHERE name = 'revalidation'") == 1);

    // Opening a case waits while the test holds this lock, so a process is sure to be holding
    // claimed items that are not finished when the kill comes, however fast the machine is.
    db.db().exec("BEGIN");
    db.db().exec("LOCK TABLE cases IN EXCLUSIVE MODE");

    int complete = 0, incomplete_count = 0, copies = 0;
    for (int i = 0; i < kDistinct; ++i) {
        const std::string raw = message(i);
        deliver("referrals", raw);
        (incomplete(i) ? incomplete_count : complete) += 1;
        if (copied(i)) {
            deliver("referrals", raw);
            ++copies;
        }
    }

    // Kill, with SIGKILL, a process while it holds claimed items that are not finished (its
    // group waits for the lock), then let the others go on.
    int killed = -1;
    std::vector<std::int64_t> held;
    BOOST_REQUIRE(eventually([&] {
        const auto r = db.db().exec(
            "SELECT DISTINCT claimed_by::text FROM inbound_items"
            " WHERE state = 'received' AND claimed_by IS NOT NULL AND claimed_until > clock_timestamp()");
        for (int row = 0; row < r.rows(); ++row) {
            for (int k = 0; k < kNodes; ++k) {
                const std::set<std::string> sessions = sessions_of(logs[static_cast<std::size_t>(k)]);
                if (!sessions.count(r.text(row, 0))) continue;
                std::string array = "{";
                for (const auto& s : sessions) array += (array.size() > 1 ? "," : "") + s;
                array += "}";
                const auto ids = db.db().exec(
                    "SELECT id FROM inbound_items WHERE state = 'received'"
                    " AND claimed_by = ANY($1::int[])",
                    {array});
                for (int i = 0; i < ids.rows(); ++i) held.push_back(ids.int64(i, 0));
                nodes[static_cast<std::size_t>(k)]->signal(SIGKILL);
                killed = k;
                return true;
            }
        }
        return false;
    }, std::chrono::seconds(30)));
    const auto killed_at = std::chrono::steady_clock::now();
    BOOST_REQUIRE(nodes[static_cast<std::size_t>(killed)]->wait(std::chrono::seconds(5)) != -1);
    db.db().exec("COMMIT");
    BOOST_TEST(!held.empty());
    BOOST_TEST_MESSAGE("killed process " << killed << " holding " << held.size()
                                         << " unfinished items");

    // Everything is processed and sent by the two left.
    const std::int64_t items = kDistinct + copies;
    BOOST_REQUIRE_MESSAGE(
        eventually([&] {
            return count_or_unknown(db, "SELECT count(*) FROM inbound_items WHERE state <> 'received'") ==
                   items;
        }, std::chrono::seconds(40)),
        "not every item was processed");
    const auto taken_over = std::chrono::steady_clock::now();
    const std::int64_t notifications = 2 * complete + incomplete_count;
    BOOST_REQUIRE_MESSAGE(eventually([&] {
        return count_or_unknown(db, "SELECT count(*) FROM outbox WHERE state = 'sent'"
                                    " AND kind IN ('acknowledgement', 'office_alert', 'incomplete_reply')") ==
               notifications;
    }, std::chrono::seconds(45)), "not every notification was sent");

    BOOST_TEST(db.count("SELECT count(*) FROM cases") == complete);
    BOOST_TEST(db.count("SELECT count(DISTINCT i.from_address) FROM cases c"
                        " JOIN submissions s ON s.case_id = c.id"
                        " JOIN inbound_items i ON i.id = s.inbound_item_id") == complete);
    BOOST_TEST(db.count("SELECT count(*) FROM submissions WHERE status = 'incomplete'") ==
               incomplete_count);
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items WHERE state = 'duplicate'") == copies);
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items WHERE state = 'duplicate'"
                        " AND message_id IS NULL") > 0);
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items WHERE state = 'quarantined'") == 0);
    // No attempt was charged to any item, those taken over from the killed process included.
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items WHERE attempts > 0") == 0);
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items WHERE claimed_by IS NOT NULL") == 0);
    for (const std::int64_t id : held) {
        BOOST_TEST(db.count("SELECT count(*) FROM inbound_items WHERE id = " + std::to_string(id) +
                            " AND state IN ('processed', 'duplicate') AND attempts = 0") == 1);
    }
    BOOST_TEST_MESSAGE("every item, those the killed process held included, finished "
                       << std::chrono::duration_cast<std::chrono::milliseconds>(taken_over - killed_at).count()
                       << " ms after the kill");

    // Each notification reached the SMTP server once. A kill between the end of DATA and the
    // row being marked sent can send one twice (README, Operations); it is reported here and
    // at most one such window exists per kill.
    std::map<std::string, int> received;
    static const std::regex id_re("\r?\nMessage-ID: <([^>]+)>", std::regex::icase);
    for (const std::string& raw : sent_messages()) {
        std::smatch m;
        if (std::regex_search(raw, m, id_re)) ++received[m[1]];
    }
    int missing = 0, twice = 0;
    const auto ids = db.db().exec("SELECT message_id FROM outbox WHERE state = 'sent'");
    for (int row = 0; row < ids.rows(); ++row) {
        std::string id = ids.text(row, 0);
        if (id.size() > 2 && id.front() == '<') id = id.substr(1, id.size() - 2);
        const auto it = received.find(id);
        if (it == received.end()) {
            ++missing;
        } else if (it->second > 1) {
            ++twice;
        }
    }
    BOOST_TEST_MESSAGE("notifications " << ids.rows() << ", missing " << missing << ", sent twice "
                                        << twice);
    BOOST_TEST(missing == 0);
    BOOST_TEST(twice <= 1);

    // One revalidation run per interval across the processes left: each time the interval is
    // over (the next run brought to now), exactly one of them runs the check.
    for (int interval = 2; interval <= 3; ++interval) {
        db.db().exec("UPDATE schedules SET next_run_at = now() WHERE name = 'revalidation'");
        BOOST_REQUIRE(eventually([&] {
            return revalidation_runs_logged(logs) == static_cast<std::size_t>(interval);
        }, std::chrono::seconds(15)));
        std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // each process turns twice
        BOOST_TEST(revalidation_runs_logged(logs) == static_cast<std::size_t>(interval));
        BOOST_TEST(db.count("SELECT runs FROM schedules WHERE name = 'revalidation'") == interval);
    }

    for (int k = 0; k < kNodes; ++k) {
        if (k != killed) stop_with_sigterm(*nodes[static_cast<std::size_t>(k)]);
    }
    BOOST_TEST_MESSAGE("wall time " << std::chrono::duration_cast<std::chrono::seconds>(
                                           std::chrono::steady_clock::now() - started)
                                           .count()
                                    << " s");
    std::error_code ec;
    fs::remove_all(dir, ec);
}

BOOST_AUTO_TEST_SUITE_END()
