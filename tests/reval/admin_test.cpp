// `casegate reval list|add|remove|hide|unhide|flag|unflag` against the real PostgreSQL: what
// each office sees, each interaction rule allowing and refusing with its reason, the
// confirmations, the audit log and the GMC requests queued. Revalidation data is seeded
// through the storage repository and classified as the daemon would.
#include "reval/admin.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "common/clock.hpp"
#include "revalidation/classify.hpp"
#include "storage/migrations.hpp"
#include "storage/revalidation.hpp"
#include "storage/revalidation_admin.hpp"
#include "tests/support/harness.hpp"

using namespace casegate;
namespace rv = casegate::revalidation;
using nlohmann::json;

namespace {

constexpr const char* kEoe = "1-1RSSQ05";  // East of England
constexpr const char* kEm = "1-1RSSPZ7";   // East Midlands
constexpr const char* kWessex = "1-1RUZUSF";

rv::Date day(const std::string& s) {
    return *rv::Date::parse(s);
}

rv::Date today() {
    return day(common::local_today());
}

rv::ProgrammeMembership membership(const std::string& body, const char* start, const char* end) {
    rv::ProgrammeMembership m;
    m.id = "PM-" + body + "-" + start;
    m.programme_name = "Cardiology";
    m.start_date = day(start);
    m.end_date = day(end);
    m.designated_body = body;
    return m;
}

rv::TisPerson person(const std::string& id, const std::string& gmc,
                     std::vector<rv::ProgrammeMembership> ms, const std::string& grade = "ST3") {
    rv::TisPerson p;
    p.tis_person_id = id;
    p.gmc_number = gmc;
    p.forenames = "Ada";
    p.surname = "Doctor" + id;
    p.current_grade = grade;
    p.programme_memberships = std::move(ms);
    return p;
}

rv::GmcDoctor connection(const std::string& gmc, const std::string& body) {
    rv::GmcDoctor d;
    d.gmc_number = gmc;
    d.designated_body = body;
    d.forenames = "Gmc";
    d.surname = "Row" + gmc;
    return d;
}

// Eight doctors covering each list and each way an office sees a doctor:
//   7000001 connected to EoE, programme in EoE            connected
//   7000002 programme in EoE, not connected               discrepancy NOT_CONNECTED
//   7000003 programme in EoE, connected to EM             discrepancy DB_MISMATCH
//   7000004 connected to EM, not in TIS, was in EoE        discrepancy NOT_IN_TIS (EoE read-only)
//   7000005 past programme in EoE, was connected there     historic (EoE read-only)
//   P6      no GMC number, no programme                    review NO_GMC_NUMBER ("*")
//   7000007 F1, programme in EoE, connected to EoE         hidden F1
//   7000008 connected to EM, programme there ended         discrepancy MEMBERSHIP_ENDED
struct Seeded {
    e2e::TestDb t;
    e2e::TestConfig cfg;
    common::Config config;
    int audited_calls = 0;

    static e2e::ConfigOptions with_wessex() {
        e2e::ConfigOptions o;
        o.extra = "[[office]]\nname = \"Wessex\"\nadmin_emails = [\"wx@casegate.test\"]\n";
        return o;
    }

    Seeded() : cfg(t, with_wessex()) {
        storage::migrate(t.db());
        config = common::load_config(cfg.path());
        const auto current = [](const char* body) {
            return membership(body, "2020-01-01", "2099-12-31");
        };
        std::vector<rv::TisPerson> tis{
            person("P1", "7000001", {current(kEoe)}),
            person("P2", "7000002", {current(kEoe)}),
            person("P3", "7000003", {current(kEoe)}),
            person("P5", "7000005", {membership(kEoe, "2010-01-01", "2015-01-01")}),
            person("P6", "", {}),
            person("P7", "7000007", {current(kEoe)}, "F1"),
            person("P8", "7000008", {membership(kEm, "2010-01-01", "2015-01-01")}),
        };
        storage::Db& db = t.db();
        storage::Transaction tx(db);
        storage::apply_tis_snapshot(db, tis, 0);
        storage::apply_gmc_snapshot(
            db, kEoe, {connection("7000001", kEoe), connection("7000007", kEoe)}, today());
        storage::apply_gmc_snapshot(
            db, kEm,
            {connection("7000003", kEm), connection("7000004", kEm), connection("7000008", kEm)},
            today());
        storage::import_connection_history(
            db, {{"7000004", kEoe, day("2012-01-01"), day("2014-01-01")},
                 {"7000005", kEoe, day("2010-02-01"), day("2015-01-01")}});
        storage::store_classifications(db, rv::classify(storage::load_inputs(db), today()),
                                       today());
        tx.commit();
    }

    struct Run {
        int rc;
        std::string out, err;
    };

    Run reval(std::vector<std::string> args) {
        args.push_back("--config");
        args.push_back(cfg.path());
        std::ostringstream out, err;
        const int rc = reval::reval_admin_main(args, out, err);
        if (args[0] != "list" && rc != reval::kRevalUsage) ++audited_calls;
        return {rc, out.str(), err.str()};
    }

    Run act(const std::string& action, const std::string& gmc, const std::string& office,
            const std::string& reason, std::vector<std::string> more = {}) {
        std::vector<std::string> args{action,     gmc,    "--office", office,
                                      "--reason", reason, "--as",     "Olu Operator"};
        args.insert(args.end(), more.begin(), more.end());
        return reval(args);
    }

    // The office's list as JSON objects.
    std::vector<json> list(const std::string& office, const std::string& which = "") {
        std::vector<std::string> args{"list", "--office", office, "--json"};
        if (!which.empty()) {
            args.push_back("--list");
            args.push_back(which);
        }
        const Run r = reval(args);
        BOOST_REQUIRE_EQUAL(r.rc, 0);
        std::vector<json> out;
        std::istringstream lines(r.out);
        for (std::string line; std::getline(lines, line);) out.push_back(json::parse(line));
        return out;
    }

    std::vector<std::string> keys(const std::string& office, const std::string& which = "") {
        std::vector<std::string> out;
        for (const json& j : list(office, which)) out.push_back(j["key"].get<std::string>());
        return out;
    }

    json row(const std::string& office, const std::string& key) {
        for (const json& j : list(office)) {
            if (j["key"] == key) return j;
        }
        return nullptr;
    }

    std::int64_t count(const std::string& sql) { return t.count(sql); }
};

using Keys = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_SUITE(reval_admin)

// Each office sees the doctors whose visible_to names it (or "*"), sorted by GMC number with
// doctors without one last; past-connection offices see them read-only.
BOOST_FIXTURE_TEST_CASE(list_visibility_per_office, Seeded) {
    BOOST_TEST(keys("East of England") ==
                   (Keys{"7000001", "7000002", "7000003", "7000004", "7000005", "7000007", "P6"}),
               boost::test_tools::per_element());
    BOOST_TEST(keys(kEm) == (Keys{"7000003", "7000004", "7000008", "P6"}),
               boost::test_tools::per_element());
    BOOST_TEST(keys("Wessex") == (Keys{"P6"}), boost::test_tools::per_element());

    const json mismatch = row("East of England", "7000003");
    BOOST_TEST(mismatch["list"] == "discrepancy");
    BOOST_TEST(mismatch["reasons"] == json::array({"DB_MISMATCH"}));
    BOOST_TEST(mismatch["editable"] == true);
    BOOST_TEST(mismatch["read_only"] == false);
    BOOST_TEST(mismatch["action"] == "add");
    BOOST_TEST(mismatch["name"] == "Ada DoctorP3");
    BOOST_TEST(mismatch["gmc_designated_body"] == kEm);
    BOOST_TEST(row(kEm, "7000003")["action"] == "remove");

    const json past = row("East of England", "7000004");
    BOOST_TEST(past["read_only"] == true);
    BOOST_TEST(past["action"].is_null());
    BOOST_TEST(past["name"] == "Gmc Row7000004");  // not in TIS: the GMC name
    BOOST_TEST(row(kEm, "7000004")["read_only"] == false);
    BOOST_TEST(row("East of England", "7000005")["read_only"] == true);
    const json nobody = row("Wessex", "P6");
    BOOST_TEST(nobody["gmc_number"].is_null());
    BOOST_TEST(nobody["read_only"] == false);
}

// Each --list filter keeps that list only; review also takes flagged doctors on any list.
BOOST_FIXTURE_TEST_CASE(list_filters, Seeded) {
    const std::string eoe = "East of England";
    BOOST_TEST(keys(eoe, "connected") == (Keys{"7000001"}), boost::test_tools::per_element());
    BOOST_TEST(keys(eoe, "discrepancy") == (Keys{"7000002", "7000003", "7000004"}),
               boost::test_tools::per_element());
    BOOST_TEST(keys(eoe, "review") == (Keys{"P6"}), boost::test_tools::per_element());
    BOOST_TEST(keys(eoe, "hidden") == (Keys{"7000007"}), boost::test_tools::per_element());
    BOOST_TEST(keys(eoe, "historic") == (Keys{"7000005"}), boost::test_tools::per_element());
    BOOST_REQUIRE_EQUAL(act("flag", "7000001", eoe, "check placement").rc, 0);
    BOOST_TEST(keys(eoe, "review") == (Keys{"7000001", "P6"}), boost::test_tools::per_element());
    BOOST_TEST(keys(eoe, "connected") == (Keys{"7000001"}), boost::test_tools::per_element());

    const Run bad = reval({"list", "--office", eoe, "--list", "everything"});
    BOOST_TEST(bad.rc == reval::kRevalUsage);
    BOOST_TEST(bad.err.find("unknown list 'everything'") != std::string::npos);
}

// The table for people: a header, one row per doctor with name, list, reasons, DBs, flag,
// GMC request state and date, offered action and the read-only marker, and a summary line.
BOOST_FIXTURE_TEST_CASE(list_table_for_people, Seeded) {
    BOOST_REQUIRE_EQUAL(act("add", "7000002", "East of England", "1").rc, 0);
    const Run r = reval({"list", "--office", "East of England"});
    BOOST_REQUIRE_EQUAL(r.rc, 0);
    std::vector<std::string> lines;
    std::istringstream in(r.out);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    BOOST_REQUIRE_EQUAL(lines.size(), 9u);  // header, 7 doctors, summary
    BOOST_TEST(lines[0].rfind("GMC ", 0) == 0);
    BOOST_TEST(lines[0].find("GMC REQUEST") != std::string::npos);
    BOOST_TEST(lines[0].find("ACCESS") != std::string::npos);
    BOOST_TEST(lines[2].rfind("7000002", 0) == 0);
    BOOST_TEST(lines[2].find("NOT_CONNECTED") != std::string::npos);
    BOOST_TEST(lines[2].find("add pending " + common::local_today()) != std::string::npos);
    BOOST_TEST(lines[2].find("editable") != std::string::npos);
    BOOST_TEST(lines[4].rfind("7000004", 0) == 0);
    BOOST_TEST(lines[4].find("read-only") != std::string::npos);
    BOOST_TEST(lines[4].find("gmc=1-1RSSPZ7 tis=-") != std::string::npos);
    BOOST_TEST(lines[7].rfind("TIS:P6", 0) == 0);
    BOOST_TEST(lines[8] == "7 doctors for East of England (1-1RSSQ05); 2 read-only");
    // Columns line up: every row has its list word at the header's LIST column.
    const std::size_t col = lines[0].find("LIST");
    BOOST_TEST(lines[1].substr(col, 9) == "connected");
}

// add: allowed for a TIS DB office of an unconnected doctor; queues exactly one GMC request
// with a unique client request id, records the manual action and the audit row, and says so.
BOOST_FIXTURE_TEST_CASE(add_queues_one_request, Seeded) {
    const Run r = act("add", "7000002", "East of England", "1", {"--note", "new starter"});
    BOOST_REQUIRE_EQUAL(r.rc, 0);
    const std::regex confirmation(
        "Request to add 7000002 to 1-1RSSQ05 \\(East of England\\) queued \\(request id "
        "([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})\\); it is sent "
        "to GMC Connect by the running daemon\n");
    std::smatch m;
    BOOST_REQUIRE_MESSAGE(std::regex_match(r.out, m, confirmation), r.out);
    BOOST_TEST(r.err.empty());
    const std::string id = m[1];
    BOOST_TEST(count("SELECT count(*) FROM reval_gmc_requests") == 1);
    BOOST_TEST(count("SELECT count(*) FROM reval_gmc_requests WHERE client_request_id = '" + id +
                     "' AND action = 'add' AND gmc_number = '7000002' AND designated_body = '" +
                     kEoe +
                     "' AND reason_code = 1 AND requested_by = 'Olu Operator'"
                     " AND state = 'pending'") == 1);
    BOOST_TEST(count("SELECT count(*) FROM reval_manual_actions WHERE action = 'add'"
                     " AND reason = 'new starter' AND facts->>'list' = 'discrepancy'"
                     " AND gmc_request_id IS NOT NULL") == 1);
    BOOST_TEST(count("SELECT count(*) FROM audit_log WHERE actor = 'Olu Operator' AND action ="
                     " 'reval.add' AND details->>'outcome' = 'queued' AND"
                     " details->>'client_request_id' = '" +
                     id + "'") == 1);

    // A second add while the first waits for GMC is refused: one request at a time.
    const Run again = act("add", "7000002", "East of England", "1");
    BOOST_TEST(again.rc == reval::kRevalRefused);
    BOOST_TEST(again.out.empty());
    BOOST_TEST(again.err.find("refused by the rule \"one GMC request at a time per doctor\"") !=
               std::string::npos);
    BOOST_TEST(again.err.find(id) != std::string::npos);
    BOOST_TEST(count("SELECT count(*) FROM reval_gmc_requests") == 1);
}

// add refused by each of its rules, with the rule's reason; nothing is queued.
BOOST_FIXTURE_TEST_CASE(add_refusals, Seeded) {
    struct Case {
        std::string gmc, office, reason, rule, text;
        std::vector<std::string> more = {};
    };
    const std::vector<Case> cases{
        {"7000003", "East of England", "1", "add only when not connected",
         "remove the existing connection first"},
        {"7000002", "East of England", "3", "add reason code 1 or 2",
         "reason code must be 1 (the doctor has a connection with this designated body) or 2"},
        {"7000002", "East Midlands", "1",
         "add to a TIS designated body of the doctor, or a confirmed one",
         "designated body 1-1RSSPZ7 is not one of the doctor's TIS designated bodies"},
        {"7000005",
         "East of England",
         "1",
         "add on a date inside a programme membership",
         "is outside every programme membership of the doctor",
         {"--confirm-db"}},
        {"P6", "East of England", "1", "add needs a GMC number", "the doctor has no GMC number"},
        {"7999999", "East of England", "1", "act only on a classified doctor",
         "no revalidation data for 7999999"},
    };
    for (const Case& c : cases) {
        const Run r = act("add", c.gmc, c.office, c.reason, c.more);
        BOOST_TEST_CONTEXT(c.gmc << " " << c.office) {
            BOOST_TEST(r.rc == reval::kRevalRefused);
            BOOST_TEST(r.out.empty());
            BOOST_TEST(r.err.find("casegate reval add: refused by the rule \"" + c.rule + "\"") ==
                       0u);
            BOOST_TEST(r.err.find(c.text) != std::string::npos, r.err);
        }
    }
    BOOST_TEST(count("SELECT count(*) FROM reval_gmc_requests") == 0);
    BOOST_TEST(count("SELECT count(*) FROM audit_log WHERE action = 'reval.add' AND"
                     " details->>'outcome' = 'refused' AND details ? 'refusal'") ==
               static_cast<std::int64_t>(cases.size()));
    // A DB outside the TIS DBs is allowed once the admin confirms it.
    BOOST_TEST(act("add", "7000002", "East Midlands", "2", {"--confirm-db"}).rc == 0);
}

// remove: only when connected, from the connected DB, by its office, with reason 1-3; two
// queued removals carry different client request ids.
BOOST_FIXTURE_TEST_CASE(remove_allowed_and_refused, Seeded) {
    const Run wrong_office = act("remove", "7000003", "East of England", "3");
    BOOST_TEST(wrong_office.rc == reval::kRevalRefused);
    BOOST_TEST(wrong_office.err.find("\"remove from the designated body connected\": the doctor "
                                     "is connected to 1-1RSSPZ7, not to 1-1RSSQ05") !=
               std::string::npos);
    const Run not_connected = act("remove", "7000002", "East of England", "3");
    BOOST_TEST(not_connected.rc == reval::kRevalRefused);
    BOOST_TEST(not_connected.err.find("\"remove only when connected\"") != std::string::npos);
    const Run bad_code = act("remove", "7000003", "East Midlands", "retired");
    BOOST_TEST(bad_code.rc == reval::kRevalRefused);
    BOOST_TEST(bad_code.err.find("\"remove reason code 1, 2 or 3\"") != std::string::npos);
    BOOST_TEST(count("SELECT count(*) FROM reval_gmc_requests") == 0);

    const Run a = act("remove", "7000003", "East Midlands", "3");
    const Run b = act("remove", "7000008", kEm, "2");
    BOOST_REQUIRE_EQUAL(a.rc, 0);
    BOOST_REQUIRE_EQUAL(b.rc, 0);
    BOOST_TEST(a.out.rfind("Request to remove 7000003 from 1-1RSSPZ7 (East Midlands) queued "
                           "(request id ",
                           0) == 0);
    BOOST_TEST(a.out.find("); it is sent to GMC Connect by the running daemon\n") !=
               std::string::npos);
    BOOST_TEST(count("SELECT count(*) FROM reval_gmc_requests WHERE action = 'remove'") == 2);
    BOOST_TEST(count("SELECT count(DISTINCT client_request_id) FROM reval_gmc_requests") == 2);
    BOOST_TEST(count("SELECT count(*) FROM reval_gmc_requests WHERE gmc_number = '7000008'"
                     " AND reason_code = 2") == 1);
    // The list shows the request waiting.
    BOOST_TEST(row(kEm, "7000003")["gmc_request"]["state"] == "pending");
}

// hide and unhide: recorded with the facts and context, not sent to GMC, and the list shows
// the change at once; unhide needs a manual hide; read-only and unseen doctors are refused.
BOOST_FIXTURE_TEST_CASE(hide_and_unhide, Seeded) {
    const std::string until = today().plus_days(30).to_string();
    const Run h =
        act("hide", "7000002", "East of England", "on long-term leave", {"--until", until});
    BOOST_REQUIRE_EQUAL(h.rc, 0);
    BOOST_TEST(h.out == "7000002 hidden by East of England (1-1RSSQ05) until " + until +
                            "; not sent to GMC; now on the hidden list (MANUALLY_HIDDEN)\n");
    BOOST_TEST(keys("East of England", "hidden") == (Keys{"7000002", "7000007"}),
               boost::test_tools::per_element());
    BOOST_TEST(row("East of England", "7000002")["action"] == "unhide");
    BOOST_TEST(count("SELECT count(*) FROM reval_manual_actions WHERE action = 'hide' AND"
                     " actor = 'Olu Operator' AND reason = 'on long-term leave' AND until = '" +
                     until +
                     "' AND context->'gmc_designated_body' = 'null'::jsonb AND"
                     " context->'tis_designated_bodies' = '[\"1-1RSSQ05\"]'::jsonb AND"
                     " facts->>'list' = 'discrepancy'") == 1);
    BOOST_TEST(count("SELECT count(*) FROM reval_gmc_requests") == 0);
    BOOST_TEST(count("SELECT count(*) FROM audit_log WHERE action = 'reval.hide' AND"
                     " details->>'list_after' = 'hidden'") == 1);

    const Run u = act("unhide", "7000002", "East of England", "back at work");
    BOOST_REQUIRE_EQUAL(u.rc, 0);
    BOOST_TEST(u.out ==
               "7000002 unhidden by East of England (1-1RSSQ05); not sent to GMC; now "
               "on the discrepancy list (NOT_CONNECTED)\n");
    BOOST_TEST(row("East of England", "7000002")["list"] == "discrepancy");

    const Run again = act("unhide", "7000002", "East of England", "again");
    BOOST_TEST(again.rc == reval::kRevalRefused);
    BOOST_TEST(again.err ==
               "casegate reval unhide: refused by the rule \"unhide only a manual "
               "hide\": the doctor is not manually hidden\n");
    const Run automatic = act("unhide", "7000007", "East of England", "F1 is wrong");
    BOOST_TEST(automatic.err.find("the doctor is not manually hidden") != std::string::npos);
    const Run read_only = act("hide", "7000004", "East of England", "not ours");
    BOOST_TEST(read_only.rc == reval::kRevalRefused);
    BOOST_TEST(read_only.err.find("\"change only a doctor your office may edit\": the doctor is "
                                  "read-only for your local office") != std::string::npos);
    const Run unseen = act("hide", "7000008", "East of England", "not ours");
    BOOST_TEST(unseen.rc == reval::kRevalRefused);
    BOOST_TEST(unseen.err.find("the doctor is not visible to your local office") !=
               std::string::npos);
    // A doctor without a GMC number is named by TIS person id; every office may edit it.
    const Run tis = act("hide", "P6", "Wessex", "left the region");
    BOOST_REQUIRE_EQUAL(tis.rc, 0);
    BOOST_TEST(count("SELECT count(*) FROM reval_manual_actions WHERE tis_person_id = 'P6'"
                     " AND designated_body = '" +
                     std::string(kWessex) + "'") == 1);
    BOOST_TEST(row("East of England", "P6")["list"] == "hidden");
}

// flag and unflag: the list does not change, the review view gains the doctor, unflag needs
// a flag; each reclassifies at once.
BOOST_FIXTURE_TEST_CASE(flag_and_unflag, Seeded) {
    const Run f = act("flag", "7000003", "East Midlands", "check the programme");
    BOOST_REQUIRE_EQUAL(f.rc, 0);
    BOOST_TEST(f.out ==
               "7000003 flagged for review by East Midlands (1-1RSSPZ7); not sent to "
               "GMC; now on the discrepancy list (DB_MISMATCH), flagged\n");
    const json flagged = row("East of England", "7000003");
    BOOST_TEST(flagged["flagged"] == true);
    BOOST_TEST(flagged["list"] == "discrepancy");
    BOOST_TEST(keys(kEm, "review") == (Keys{"7000003", "P6"}), boost::test_tools::per_element());

    const Run u = act("unflag", "7000003", "East of England", "fixed in TIS");
    BOOST_REQUIRE_EQUAL(u.rc, 0);
    BOOST_TEST(row(kEm, "7000003")["flagged"] == false);
    const Run again = act("unflag", "7000003", "East of England", "again");
    BOOST_TEST(again.rc == reval::kRevalRefused);
    BOOST_TEST(again.err.find("\"unflag only a flagged doctor\": the doctor is not flagged") !=
               std::string::npos);
    const Run historic = act("flag", "7000005", "East of England", "why historic");
    BOOST_TEST(historic.rc == reval::kRevalRefused);
    BOOST_TEST(historic.err.find("read-only") != std::string::npos);
}

// Every call but a usage error leaves one audit row with the operator's name; usage errors
// (missing --as, unknown office, --until on flag, bad date) exit 2 and touch nothing.
BOOST_FIXTURE_TEST_CASE(audit_and_usage_errors, Seeded) {
    act("hide", "7000001", "East of England", "r");
    act("unhide", "7000001", "East of England", "r");
    act("flag", "7000001", "Wessex", "r");
    act("add", "7000003", "East of England", "1");
    act("remove", "7000004", kEm, "1");
    BOOST_TEST(count("SELECT count(*) FROM audit_log WHERE actor = 'Olu Operator' AND action"
                     " LIKE 'reval.%'") == audited_calls);
    BOOST_TEST(audited_calls == 5);

    const std::int64_t before = count("SELECT count(*) FROM audit_log");
    const Run no_operator =
        reval({"hide", "7000001", "--office", "East of England", "--reason", "r"});
    BOOST_TEST(no_operator.rc == reval::kRevalUsage);
    BOOST_TEST(no_operator.err.find("--as OPERATOR is required") != std::string::npos);
    const Run unknown = act("hide", "7000001", "Atlantis", "r");
    BOOST_TEST(unknown.rc == reval::kRevalUsage);
    BOOST_TEST(unknown.err.find("'Atlantis' is not a configured office") != std::string::npos);
    BOOST_TEST(act("flag", "7000001", "East of England", "r", {"--until", "2099-01-01"}).rc ==
               reval::kRevalUsage);
    BOOST_TEST(act("hide", "7000001", "East of England", "r", {"--until", "2099-02-30"}).rc ==
               reval::kRevalUsage);
    BOOST_TEST(act("hide", "7000001", "East of England", "r", {"--until", "2000-01-01"}).rc ==
               reval::kRevalUsage);
    BOOST_TEST(count("SELECT count(*) FROM audit_log") == before);
}

// The commands are reachable through the real binary with the documented exit codes.
BOOST_FIXTURE_TEST_CASE(real_binary, Seeded) {
    BOOST_TEST(e2e::run_casegate({"reval", "list", "--office", "East of England", "--json",
                                  "--config", cfg.path()}) == 0);
    BOOST_TEST(e2e::run_casegate({"reval", "add", "7000003", "--office", "East of England",
                                  "--reason", "1", "--as", "Olu", "--config", cfg.path()}) == 1);
    BOOST_TEST(e2e::run_casegate({"reval", "add", "7000002", "--office", "East of England",
                                  "--reason", "1", "--as", "Olu", "--config", cfg.path()}) == 0);
    BOOST_TEST(e2e::run_casegate({"reval", "hide", "--office", "East of England"}) == 2);
    BOOST_TEST(count("SELECT count(*) FROM reval_gmc_requests") == 1);
}

// What case routing reads: the DBs of current programmes, latest-starting first and without
// past ones, with the stored list and reasons; nothing at all for an unknown doctor.
BOOST_FIXTURE_TEST_CASE(doctor_routing_reads_current_programmes, Seeded) {
    storage::Db& db = t.db();
    {
        storage::Transaction tx(db);
        storage::apply_tis_snapshot(db,
                                    {person("P9", "7000009",
                                            {membership(kEoe, "2010-01-01", "2015-01-01"),
                                             membership(kWessex, "2021-01-01", "2099-12-31"),
                                             membership(kEm, "2023-01-01", "2099-12-31")})},
                                    0);
        storage::store_classifications(db, rv::classify(storage::load_inputs(db), today()),
                                       today());
        tx.commit();
    }
    const auto r = storage::doctor_routing(db, "7000009", today());
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->current_tis_designated_bodies == (Keys{kEm, kWessex}),
               boost::test_tools::per_element());
    BOOST_TEST(r->list.value_or("") == "discrepancy");
    BOOST_TEST(r->reasons == (Keys{"OVERLAPPING_PROGRAMMES"}), boost::test_tools::per_element());
    BOOST_TEST(!r->gmc_designated_body.has_value());
    BOOST_TEST(!storage::doctor_routing(db, "7999999", today()).has_value());
    // A doctor only in GMC has a classification but no programme.
    const auto gmc_only = storage::doctor_routing(db, "7000004", today());
    BOOST_REQUIRE(gmc_only.has_value());
    BOOST_TEST(gmc_only->current_tis_designated_bodies.empty());
    BOOST_TEST(gmc_only->gmc_designated_body.value_or("") == kEm);
}

BOOST_AUTO_TEST_SUITE_END()
