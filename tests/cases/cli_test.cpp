// `casegate cases …`: the words, the output (table, JSON lines, CSV, show's JSON) and the exit
// codes, in process and through the real binary.
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "notifier/templates.hpp"
#include "tests/cases/fixture.hpp"

using namespace casegate;
using namespace casegate::cases_test;
using nlohmann::json;

BOOST_AUTO_TEST_SUITE(cases_cli)

BOOST_FIXTURE_TEST_CASE(change_commands_and_refusals, Fixture) {
    const std::string ref = open();
    Run r = cli({"accept", ref});
    BOOST_TEST(r.rc == cases::kCasesOk);
    BOOST_TEST(r.out.find(ref + " accepted (submitted -> accepted)") != std::string::npos);
    BOOST_TEST(r.out.find("told referrer (referral_accepted): " + std::string(kReferrer)) !=
               std::string::npos);
    BOOST_TEST(r.out.find("told office admins (case_changed): " + std::string(kEoeMailbox)) !=
               std::string::npos);

    r = cli({"accept", ref});
    BOOST_TEST(r.rc == cases::kCasesRefused);
    BOOST_TEST(r.err.find("the case is accepted; allowed now: review") != std::string::npos);

    r = cli({"assign", ref, kCal});
    BOOST_TEST(r.rc == 0);
    r = cli({"note", ref, "Called", "the", "supervisor"}, kCal);
    BOOST_TEST(r.rc == 0);
    BOOST_TEST(count("SELECT count(*) FROM case_actions WHERE details->>'text' = "
                     "'Called the supervisor'") == 1);
    r = cli({"triage", ref, "--support", "Coaching", "Exam support"}, kCal);
    BOOST_TEST(r.rc == 0);
    BOOST_TEST(count("SELECT count(*) FROM case_actions WHERE kind = 'triage'"
                     " AND details->>'text' = 'Coaching, Exam support'") == 1);
    r = cli({"engagement", ref, "yes"}, kCal);
    BOOST_TEST(r.rc == 0);
    BOOST_TEST(count("SELECT count(*) FROM case_actions WHERE details->>'engagement' = 'engaged'") == 1);
    r = cli({"review", ref}, kCleo);
    BOOST_TEST(r.rc == cases::kCasesRefused);
    BOOST_TEST(r.err.find("no such case") != std::string::npos);

    // Usage errors, before the database: exit 2.
    BOOST_TEST(cli({"return", ref}).rc == cases::kCasesUsage);
    BOOST_TEST(cli({"meeting", ref, "14/07/2031"}).rc == cases::kCasesUsage);
    BOOST_TEST(cli({"triage", ref, "--school-level", "--support", "Coaching"}).rc ==
               cases::kCasesUsage);
    BOOST_TEST(cli({"list", "--status", "pending"}).rc == cases::kCasesUsage);
    BOOST_TEST(cli({"frobnicate", ref}).rc == cases::kCasesUsage);
    std::ostringstream out, err;
    BOOST_TEST(cases::cases_main({"accept", ref, "--config", config_path}, out, err) ==
               cases::kCasesUsage);
    // An unknown member of staff: refused.
    BOOST_TEST(cli({"show", ref}, "nobody@casegate.test").rc == cases::kCasesRefused);
}

BOOST_FIXTURE_TEST_CASE(show_json_shape, Fixture) {
    const std::string ref = open();
    cli({"accept", ref});
    cli({"note", ref, "First contact made"});
    test_tools::write_file(dir.file("minutes.txt"), "Minutes of the meeting\n");
    BOOST_TEST(cli({"attach", ref, dir.file("minutes.txt")}).rc == 0);

    const Run r = cli({"show", ref, "--json"});
    BOOST_TEST_REQUIRE(r.rc == 0);
    const json j = json::parse(r.out);
    BOOST_TEST(j["reference"] == ref);
    BOOST_TEST(j["status"] == "accepted");
    BOOST_TEST(j["local_office"] == "East of England");
    BOOST_TEST(j["case_manager"].is_null());
    BOOST_TEST(j["fields"]["trainee_name"] == "Dana Doctor");
    BOOST_TEST(j["fields"]["support_requested"] == json::array({"Coaching"}));
    BOOST_TEST_REQUIRE(j["actions"].size() == 4U);
    BOOST_TEST(j["actions"][0]["kind"] == "created");
    BOOST_TEST(j["actions"][1]["kind"] == "accept");
    BOOST_TEST(j["actions"][1]["actor"] == "Ada.Admin@casegate.test");
    BOOST_TEST(j["actions"][1]["status_after"] == "accepted");
    BOOST_TEST(!j["actions"][1]["at"].get<std::string>().empty());
    BOOST_TEST(!j["actions"][1].contains("text"));
    BOOST_TEST(j["actions"][2]["text"] == "First contact made");
    BOOST_TEST(j["actions"][3]["filename"] == "minutes.txt");
    BOOST_TEST(j["documents"] == json::parse(R"([{"filename":"minutes.txt",
        "content_type":"text/plain; charset=utf-8","size":23}])"));

    const Run text = cli({"show", ref});
    BOOST_TEST(text.rc == 0);
    BOOST_TEST(text.out.find("Status:") != std::string::npos);
    BOOST_TEST(text.out.find("First contact made") != std::string::npos);

    // An incomplete submission, to the default office's admins only.
    const std::string inc = incomplete();
    const Run shown = cli({"show", inc, "--json"});
    BOOST_TEST_REQUIRE(shown.rc == 0);
    const json s = json::parse(shown.out);
    BOOST_TEST(s["status"] == "incomplete");
    BOOST_TEST(s["fields"]["trainee_name"] == "Ina Incomplete");
    BOOST_TEST(s["missing"] == json::array({"gmc_number"}));
    BOOST_TEST(cli({"show", inc}, kCal).rc == cases::kCasesRefused);
    BOOST_TEST(cli({"show", inc}, kEmma).rc == cases::kCasesRefused);
    BOOST_TEST(count("SELECT count(*) FROM audit_log WHERE action = 'submission.viewed'") == 1);
    // One naming another office: its admins too.
    const std::string em = incomplete(R"({"local_office":"East Midlands"})");
    const Run emma = cli({"show", em, "--json"}, kEmma);
    BOOST_TEST_REQUIRE(emma.rc == 0);
    BOOST_TEST(json::parse(emma.out)["local_office"] == "East Midlands");
    BOOST_TEST(cli({"show", em}, kAda).rc == 0);
}

BOOST_FIXTURE_TEST_CASE(list_outputs_and_audit, Fixture) {
    const std::string one = open();
    NewCase other;
    other.trainee = "=Eve, \"Quoted\"";
    other.type = "Health";
    const std::string two = open(other);
    cli({"accept", one});

    Run r = cli({"list", "--json"});
    BOOST_TEST(r.rc == 0);
    const std::vector<json> lines = json_lines(r.out);
    BOOST_TEST_REQUIRE(lines.size() == 2U);
    BOOST_TEST(lines[0]["reference"] == two);  // newest first
    BOOST_TEST(lines[1]["status"] == "accepted");

    r = cli({"list", "--status", "accepted", "--type", "Conduct", "--json"});
    BOOST_TEST(json_lines(r.out).size() == 1U);
    r = cli({"list", "--search", "eve", "--csv"});
    BOOST_TEST(r.rc == 0);
    BOOST_TEST(r.out.find("reference,status,local_office,") == 0U);
    BOOST_TEST(r.out.find("\"'=Eve, \"\"Quoted\"\"\"") != std::string::npos);
    BOOST_TEST(r.out.find(one) == std::string::npos);
    r = cli({"list"});
    BOOST_TEST(r.out.find("2 cases") != std::string::npos);
    BOOST_TEST(cli({"list"}, kCal).out.find("0 cases") != std::string::npos);

    cli({"show", one});
    r = cli({"audit", one, "--json"});
    BOOST_TEST_REQUIRE(r.rc == 0);
    const std::vector<json> audit = json_lines(r.out);
    BOOST_TEST_REQUIRE(audit.size() == 3U);
    BOOST_TEST(audit[1]["action"] == "case.accept");
    BOOST_TEST(audit[1]["actor"] == "Ada.Admin@casegate.test");
    BOOST_TEST(audit[1]["details"]["status_after"] == "accepted");
    BOOST_TEST(audit[2]["action"] == "case.viewed");
    r = cli({"audit", one});
    BOOST_TEST(r.out.find("case.accept") != std::string::npos);
    BOOST_TEST(r.out.find("done -> accepted") != std::string::npos);
}

// The real binary: one accept (exit 0) and one refusal (exit 1, the reason on stderr).
BOOST_FIXTURE_TEST_CASE(binary_end_to_end, Fixture) {
    const std::string ref = open();
    const std::string log = dir.file("stderr.txt");
    BOOST_TEST(e2e::run_casegate({"cases", "accept", ref, "--as", "ADA.ADMIN@CASEGATE.TEST",
                                  "--config", config_path}) == 0);
    BOOST_TEST(status(ref) == "accepted");
    BOOST_TEST(e2e::run_casegate({"cases", "close", ref, "--outcome", "Done", "--as", kAda,
                                  "--config", config_path},
                                 {}, log) == 1);
    BOOST_TEST(e2e::read_file(log).find("the case is accepted; allowed now: review") !=
               std::string::npos);
    BOOST_TEST(status(ref) == "accepted");
    BOOST_TEST(e2e::run_casegate({"cases", "accept", ref, "--config", config_path}) == 2);
}

// The operator's texts: a file in [notifications] templates_dir replaces the shipped text of the
// emails the command sends; check-config renders every text and names a broken file by line, and
// with a broken file nothing changes and nothing is sent.
BOOST_FIXTURE_TEST_CASE(operator_texts_are_used_and_checked, Fixture) {
    const std::string texts = dir.file("texts");
    std::filesystem::create_directories(texts);
    test_tools::write_file(texts + "/referral_accepted.txt",
                           "Subject: Accepted by East of England [{{reference}}]\n\n"
                           "Your referral {{reference}} is with {{team}}.\n");
    std::ofstream(config_path, std::ios::app)
        << "\n[notifications]\ntemplates_dir = \"" << texts << "\"\n";

    BOOST_TEST(e2e::run_casegate({"check-config", "--config", config_path}) == 0);

    const std::string ref = open();
    const std::int64_t before = last_outbox_id();
    BOOST_TEST_REQUIRE(cli({"accept", ref}).rc == cases::kCasesOk);
    const std::vector<Notice> sent = notices(ref, before);
    const auto accepted = std::find_if(sent.begin(), sent.end(),
                                       [](const Notice& n) { return n.kind == "referral_accepted"; });
    BOOST_TEST_REQUIRE((accepted != sent.end()));
    BOOST_TEST(accepted->message.find("Subject: Accepted by East of England [" + ref + "]") !=
               std::string::npos);
    BOOST_TEST(accepted->message.find(
                   "Your referral " + ref +
                   " is with the East of England local office's case-management team.") !=
               std::string::npos);

    test_tools::write_file(texts + "/referral_returned.txt",
                           "Subject: Returned [{{reference}}]\n\n{{#reason}}{{reason}}\n");
    const std::string log = dir.file("check.txt");
    BOOST_TEST(e2e::run_casegate({"check-config", "--config", config_path}, {}, log) == 1);
    BOOST_TEST(e2e::read_file(log).find(texts + "/referral_returned.txt: line 3: section 'reason' "
                                        "is never closed") != std::string::npos,
               e2e::read_file(log));
    const std::string other = open();
    const std::int64_t before_refusal = last_outbox_id();
    const Run r = cli({"return", other, "--reason", "Wrong office"});
    BOOST_TEST(r.rc != cases::kCasesOk);
    BOOST_TEST(r.err.find("referral_returned.txt") != std::string::npos, r.err);
    BOOST_TEST(status(other) == "submitted");
    BOOST_TEST(last_outbox_id() == before_refusal);
    notifier::use_templates({});  // the shipped texts again, for the tests after this one
}

BOOST_AUTO_TEST_SUITE_END()
