// End-to-end: the revalidation check in the real `casegate run --once`, against the private
// PostgreSQL and SMTP receiver, the fake GMC Connect (tests/support/fake_gmc.py) and a TIS
// extract written to a file. Expected GMC numbers and texts are written here from the inputs,
// not read back from the code under test.
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "common/clock.hpp"
#include "intake/parse_worker.hpp"
#include "feeds/gmc_soap.hpp"
#include "parsers/email.hpp"
#include "storage/revalidation.hpp"
#include "tests/feeds/fake_gmc.hpp"
#include "tests/support/harness.hpp"

using namespace casegate::e2e;
namespace fs = std::filesystem;
namespace storage = casegate::storage;
namespace rv = casegate::revalidation;

namespace {

const std::string kEoe = "1-1RSSQ05";  // East of England
const std::string kEm = "1-1RSSPZ7";   // East Midlands

std::string tis_person(const std::string& id, const std::string& gmc, const std::string& body) {
    return R"({"tis_person_id":")" + id + R"(","gmc_number":")" + gmc +
           R"(","forenames":"Ada","surname":"Byron","status":"ACTIVE","current_grade":"ST3",)"
           R"("programme_memberships":[{"id":"PM-)" +
           id +
           R"(","programme_name":"Cardiology","type":"SUBSTANTIVE","start_date":"2020-01-01",)"
           R"("end_date":"2099-12-31","designated_body":")" +
           body + R"("}]})" + "\n";
}

std::string gmc_row(const std::string& gmc) {
    return R"({"GMCReferenceNumber":")" + gmc +
           R"(","DoctorFirstName":"Grace","DoctorLastName":"Hopper","DateAdded":"10/08/2025",)"
           R"("SubmissionDate":"01/01/2030","UnderNotice":"NO","DoctorStatus":"LICENSED"})";
}

// The fake's state: the rows of each DB, the account, and an optional failure.
std::string gmc_state(const std::vector<std::string>& eoe, const std::vector<std::string>& em = {},
                      const std::string& fail = "") {
    const auto rows = [](const std::vector<std::string>& gmcs) {
        std::string out;
        for (const auto& g : gmcs) out += (out.empty() ? "" : ",") + gmc_row(g);
        return "[" + out + "]";
    };
    std::string s = R"({"credentials":{"username":"svc","password":"gmc-secret"},"dbs":{")" + kEoe +
                    "\":" + rows(eoe) + ",\"" + kEm + "\":" + rows(em) + "}";
    if (!fail.empty()) s += ",\"fail\":" + fail;
    return s + "}";
}

std::string today() { return casegate::common::local_today(); }

// One test's world: a database, the fake GMC Connect, a TIS extract file and a configuration
// with revalidation switched on (no mailboxes: only the check runs).
struct World {
    TestDb db;
    std::string dir;
    casegate::testing::FakeGmc gmc;
    std::unique_ptr<TestConfig> cfg;

    explicit World(const std::string& state, const std::string& tis) : dir(make_dir()), gmc(state) {
        reset_mail();
        std::ofstream(dir + "/gmc.password") << "gmc-secret\n";
        set_tis(tis);
        ConfigOptions opt;
        opt.imap_users = {};
        opt.extra = "[revalidation]\ntis_url = \"" + dir + "/tis.jsonl\"\nurl = \"" + gmc.url() +
                    "/GMCWebServices\"\nusername = \"svc\"\npassword_file = \"" + dir +
                    "/gmc.password\"\nretry_initial = 1\nretry_max = 2\ntimeout = 10\n";
        cfg = std::make_unique<TestConfig>(db, opt);
    }
    ~World() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }

    static std::string make_dir() {
        static int n = 0;
        const std::string d = Services::get().var + "/reval-e2e/" + std::to_string(getpid()) + "_" +
                              std::to_string(n++);
        fs::create_directories(d);
        return d;
    }

    void set_tis(const std::string& tis) const { std::ofstream(dir + "/tis.jsonl") << tis; }

    int run_once() const { return run_casegate({"run", "--once", "--config", cfg->path()}); }

    std::string list_of(const std::string& key) {
        const auto r = db.db().exec(
            "SELECT list || ':' || array_to_string(reasons, ',') FROM reval_classifications"
            " WHERE doctor_key = $1",
            {key});
        return r.rows() ? r.text(0, 0) : "";
    }

    std::string request_shown(const std::string& key) {
        const auto r = db.db().exec(
            "SELECT coalesce(gmc_request->>'state', '') FROM reval_classifications"
            " WHERE doctor_key = $1",
            {key});
        return r.rows() ? r.text(0, 0) : "?";
    }

    // How many requests of `operation` the fake received.
    int calls(const std::string& operation) const {
        int n = 0;
        for (const auto& line : gmc.requests()) {
            if (line.find("\"operation\": \"" + operation + "\"") != std::string::npos) ++n;
        }
        return n;
    }

    std::int64_t add_request(const std::string& gmc_number, const std::string& client_id) {
        storage::NewGmcRequest q;
        q.action = rv::GmcRequestKind::add;
        q.gmc_number = gmc_number;
        q.designated_body = kEoe;
        q.reason_code = 1;
        q.requested_by = "eoe-admin@casegate.test";
        q.client_request_id = client_id;
        q.effective_on = *rv::Date::parse(today());
        q.reason = "starts in the East of England";
        return storage::record_gmc_request(db.db(), q);
    }
};

struct Mail {
    std::string raw;
    std::string subject;
    std::string body;
};

std::vector<Mail> mails() {
    std::vector<Mail> out;
    for (const auto& raw : sent_messages()) {
        const auto parsed = casegate::parsers::parse_email(raw, casegate::parsers::MimeLimits{});
        BOOST_REQUIRE_MESSAGE(parsed.ok, "sent message does not parse: " << parsed.error);
        out.push_back({raw, parsed.email.subject, parsed.email.text_body});
    }
    return out;
}

bool has(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(reval_e2e)

// A doctor in TIS but not connected at GMC becomes a discrepancy, and the office that would add
// the connection gets one digest listing the GMC number and nothing personal; a second run with
// nothing new sends nothing.
BOOST_AUTO_TEST_CASE(discrepancy_appears_in_one_digest) {
    World w(gmc_state({"7000002"}),
            tis_person("P1", "7000001", kEoe) + tis_person("P2", "7000002", kEoe));
    BOOST_REQUIRE_EQUAL(w.run_once(), 0);
    BOOST_TEST(w.list_of("7000001") == "discrepancy:NOT_CONNECTED");
    BOOST_TEST(w.list_of("7000002") == "connected:");
    BOOST_TEST(w.calls("GetDoctorsForDB") == 2);  // one per office
    BOOST_TEST(w.db.count("SELECT count(*) FROM reval_snapshots WHERE state = 'applied'") == 3);

    const auto sent = mails();
    BOOST_REQUIRE_EQUAL(sent.size(), 1u);
    BOOST_TEST(has(sent[0].raw, "eoe-admin@casegate.test"));
    BOOST_TEST(!has(sent[0].raw, "em-admin@casegate.test"));
    BOOST_TEST(has(sent[0].subject, "East of England"));
    BOOST_TEST(has(sent[0].subject, "1 new discrepancy, 0 resolved"));
    BOOST_TEST(has(sent[0].body, "New discrepancies (GMC numbers):\n  7000001\n"));
    BOOST_TEST(!has(sent[0].body, "7000002"));
    for (const char* personal : {"Ada", "Byron", "Grace", "Hopper", "Cardiology", "P1"}) {
        BOOST_TEST(!has(sent[0].raw, personal), "digest carries " << personal);
    }

    BOOST_REQUIRE_EQUAL(w.run_once(), 0);
    BOOST_TEST(sent_messages().size() == 1u);
    BOOST_TEST(w.list_of("7000001") == "discrepancy:NOT_CONNECTED");
}

// An empty GetDoctorsForDB list where the one in force has rows is refused: the previous rows
// stay, the doctors stay connected, the office of that body is alerted once with the reason.
BOOST_AUTO_TEST_CASE(empty_gmc_snapshot_refused_and_office_alerted) {
    World w(gmc_state({"7000002", "7000003"}),
            tis_person("P2", "7000002", kEoe) + tis_person("P3", "7000003", kEoe));
    BOOST_REQUIRE_EQUAL(w.run_once(), 0);
    BOOST_TEST(w.list_of("7000002") == "connected:");
    BOOST_TEST(sent_messages().empty());  // nothing new to report

    w.gmc.set_state(gmc_state({}));
    BOOST_REQUIRE_EQUAL(w.run_once(), 0);
    const auto r = w.db.db().exec(
        "SELECT state, reason FROM reval_snapshots WHERE feed = 'gmc' AND designated_body = $1"
        " ORDER BY id DESC LIMIT 1",
        {kEoe});
    BOOST_REQUIRE_EQUAL(r.rows(), 1);
    BOOST_TEST(r.text(0, 0) == "refused");
    BOOST_TEST(r.text(0, 1) == "empty snapshot where the one in force has 2 rows");
    BOOST_TEST(w.db.count("SELECT count(*) FROM reval_gmc_doctors WHERE designated_body = '" +
                          kEoe + "'") == 2);
    BOOST_TEST(w.list_of("7000002") == "connected:");
    BOOST_TEST(w.list_of("7000003") == "connected:");

    const auto sent = mails();
    BOOST_REQUIRE_EQUAL(sent.size(), 1u);
    BOOST_TEST(has(sent[0].raw, "eoe-admin@casegate.test"));
    BOOST_TEST(!has(sent[0].raw, "em-admin@casegate.test"));
    BOOST_TEST(has(sent[0].subject, "Revalidation feed refused"));
    BOOST_TEST(has(sent[0].subject, "GMC " + kEoe));
    BOOST_TEST(has(sent[0].body, "Reason: empty snapshot where the one in force has 2 rows\n"));

    // Refused again for the same reason: recorded, but the office is not told twice.
    BOOST_REQUIRE_EQUAL(w.run_once(), 0);
    BOOST_TEST(w.db.count("SELECT count(*) FROM reval_snapshots WHERE state = 'refused'") == 2);
    BOOST_TEST(sent_messages().size() == 1u);
}

// A queued add request is sent with its client request id and the admin as internal user;
// GMC's success is recorded and the connection shows at once: the doctor is connected and the
// digest lists the discrepancy as resolved.
BOOST_AUTO_TEST_CASE(add_request_succeeds) {
    World w(gmc_state({}), tis_person("P1", "7000001", kEoe));
    BOOST_REQUIRE_EQUAL(w.run_once(), 0);
    BOOST_TEST(w.list_of("7000001") == "discrepancy:NOT_CONNECTED");
    const std::int64_t id = w.add_request("7000001", "e2e-add-1");
    reset_mail();

    BOOST_REQUIRE_EQUAL(w.run_once(), 0);
    const auto r = w.db.db().exec(
        "SELECT state, return_code, attempts FROM reval_gmc_requests WHERE id = $1", {id});
    BOOST_TEST(r.text(0, 0) == "succeeded");
    BOOST_TEST(r.int64(0, 1) == 0);
    BOOST_TEST(r.int64(0, 2) == 1);
    BOOST_TEST(w.calls("TryAddDoctor") == 1);
    bool sent_right = false;
    for (const auto& line : w.gmc.requests()) {
        sent_right |= has(line, "\"ClientRequestID\": \"e2e-add-1\"") &&
                      has(line, "\"InternalUser\": \"eoe-admin@casegate.test\"") &&
                      has(line, "\"GMCReferenceNumber\": \"7000001\"") &&
                      has(line, "\"password_ok\": true");
    }
    BOOST_TEST(sent_right);
    BOOST_TEST(has(w.gmc.state(), "7000001"));
    BOOST_TEST(w.list_of("7000001") == "connected:");
    BOOST_TEST(w.request_shown("7000001") == "");

    const auto sent = mails();
    BOOST_REQUIRE_EQUAL(sent.size(), 1u);
    BOOST_TEST(has(sent[0].body, "Resolved (GMC numbers):\n  7000001\n"));

    BOOST_REQUIRE_EQUAL(w.run_once(), 0);
    BOOST_TEST(w.calls("TryAddDoctor") == 1);  // done: never sent again
}

// A refusal code (90) is recorded with GMC's text, shown on the doctor and in the digest, and
// never retried.
BOOST_AUTO_TEST_CASE(refusal_recorded_with_text_and_not_retried) {
    World w(gmc_state({}, {}, R"({"mode":"code","code":90,"operations":["TryAddDoctor"]})"),
            tis_person("P1", "7000001", kEoe));
    BOOST_REQUIRE_EQUAL(w.run_once(), 0);
    const std::int64_t id = w.add_request("7000001", "e2e-refused-1");
    reset_mail();

    BOOST_REQUIRE_EQUAL(w.run_once(), 0);
    const auto r = w.db.db().exec(
        "SELECT state, return_code, error, attempts FROM reval_gmc_requests WHERE id = $1", {id});
    BOOST_TEST(r.text(0, 0) == "refused");
    BOOST_TEST(r.int64(0, 1) == 90);
    const std::string text(casegate::feeds::gmc_return_code_text(90));
    BOOST_REQUIRE(!text.empty());
    BOOST_TEST(r.text(0, 2) == text);
    BOOST_TEST(w.list_of("7000001") == "discrepancy:NOT_CONNECTED");
    BOOST_TEST(w.request_shown("7000001") == "refused");

    const auto sent = mails();
    BOOST_REQUIRE_EQUAL(sent.size(), 1u);
    BOOST_TEST(has(sent[0].subject, "1 failed GMC update"));
    BOOST_TEST(has(sent[0].body, "  7000001  add to " + kEoe + ": refused (GMC return code 90)"));

    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // past any back-off
    BOOST_REQUIRE_EQUAL(w.run_once(), 0);
    BOOST_TEST(w.calls("TryAddDoctor") == 1);
    BOOST_TEST(w.db.count("SELECT attempts FROM reval_gmc_requests WHERE id = " +
                          std::to_string(id)) == 1);
    BOOST_TEST(sent_messages().size() == 1u);  // reported once
}

// A transport failure (HTTP 500) is recorded as failed, shown on the doctor, and retried after
// the back-off with the same client request id, when it succeeds.
BOOST_AUTO_TEST_CASE(transport_failure_retried_until_it_succeeds) {
    World w(gmc_state({}, {}, R"({"mode":"http500","operations":["TryAddDoctor"],"count":1})"),
            tis_person("P1", "7000001", kEoe));
    BOOST_REQUIRE_EQUAL(w.run_once(), 0);
    const std::int64_t id = w.add_request("7000001", "e2e-retry-1");

    BOOST_REQUIRE_EQUAL(w.run_once(), 0);
    auto r = w.db.db().exec(
        "SELECT state, return_code IS NULL, error, attempts, next_attempt_at > now()"
        " FROM reval_gmc_requests WHERE id = $1",
        {id});
    BOOST_TEST(r.text(0, 0) == "failed");
    BOOST_TEST(r.boolean(0, 1));
    BOOST_TEST(has(r.text(0, 2), "500"));
    BOOST_TEST(r.int64(0, 3) == 1);
    BOOST_TEST(w.request_shown("7000001") == "failed");
    BOOST_TEST(w.calls("TryAddDoctor") == 1);

    // Due again after retry_initial (1 s).
    BOOST_REQUIRE(eventually(
        [&] {
            return w.db.count("SELECT count(*) FROM reval_gmc_requests WHERE id = " +
                              std::to_string(id) + " AND next_attempt_at <= now()") == 1;
        },
        std::chrono::seconds(10)));
    BOOST_REQUIRE_EQUAL(w.run_once(), 0);
    r = w.db.db().exec("SELECT state, return_code, attempts FROM reval_gmc_requests WHERE id = $1",
                       {id});
    BOOST_TEST(r.text(0, 0) == "succeeded");
    BOOST_TEST(r.int64(0, 1) == 0);
    BOOST_TEST(r.int64(0, 2) == 2);
    BOOST_TEST(w.calls("TryAddDoctor") == 2);
    int with_same_id = 0;
    for (const auto& line : w.gmc.requests()) {
        if (has(line, "TryAddDoctor") && has(line, "\"ClientRequestID\": \"e2e-retry-1\"")) {
            ++with_same_id;
        }
    }
    BOOST_TEST(with_same_id == 2);
    BOOST_TEST(w.list_of("7000001") == "connected:");
    BOOST_TEST(w.request_shown("7000001") == "");
}

// GMC Connect unreachable (HTTP 500 for GetDoctorsForDB): nothing is recorded or mailed, the
// snapshot in force stands, and the run still ends normally.
BOOST_AUTO_TEST_CASE(unreachable_gmc_keeps_snapshot_quietly) {
    World w(gmc_state({"7000002"}), tis_person("P2", "7000002", kEoe));
    BOOST_REQUIRE_EQUAL(w.run_once(), 0);
    w.gmc.set_state(gmc_state({}, {}, R"({"mode":"http500","operations":["GetDoctorsForDB"]})"));
    BOOST_REQUIRE_EQUAL(w.run_once(), 0);
    BOOST_TEST(w.db.count("SELECT count(*) FROM reval_snapshots WHERE feed = 'gmc'") == 2);
    BOOST_TEST(w.db.count("SELECT count(*) FROM reval_snapshots WHERE state = 'refused'") == 0);
    BOOST_TEST(w.list_of("7000002") == "connected:");
    BOOST_TEST(sent_messages().empty());
}

// A TIS extract with too many unreadable lines is refused and every office is alerted (the
// extract covers them all); the persons in force stay.
BOOST_AUTO_TEST_CASE(bad_tis_extract_refused_and_every_office_alerted) {
    World w(gmc_state({"7000002"}), tis_person("P2", "7000002", kEoe));
    BOOST_REQUIRE_EQUAL(w.run_once(), 0);
    w.set_tis(tis_person("P2", "7000002", kEoe) + "{not json\n");
    BOOST_REQUIRE_EQUAL(w.run_once(), 0);
    const auto r = w.db.db().exec(
        "SELECT state, reason FROM reval_snapshots WHERE feed = 'tis' ORDER BY id DESC LIMIT 1");
    BOOST_TEST(r.text(0, 0) == "refused");
    BOOST_TEST(has(r.text(0, 1), "1 of 2 rows unreadable"));
    BOOST_TEST(w.db.count("SELECT count(*) FROM reval_tis_persons") == 1);
    const auto sent = mails();
    BOOST_REQUIRE_EQUAL(sent.size(), 2u);
    int eoe = 0, em = 0;
    for (const auto& m : sent) {
        BOOST_TEST(has(m.subject, "Revalidation feed refused \u2013 TIS extract"));
        BOOST_TEST(has(m.body, "Reason: 1 of 2 rows unreadable"));
        eoe += has(m.raw, "eoe-admin@casegate.test");
        em += has(m.raw, "em-admin@casegate.test");
    }
    BOOST_TEST(eoe == 1);
    BOOST_TEST(em == 1);
}

BOOST_AUTO_TEST_SUITE_END()
