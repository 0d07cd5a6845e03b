// GMC Connect calls end to end against the fake server: what is sent, and how answers,
// refusals, faults and transport failures are sorted.
#include "feeds/gmc_client.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "feeds/tis_feed.hpp"
#include "tests/feeds/fake_gmc.hpp"

using namespace casegate;
using revalidation::GmcOutcome;
using json = nlohmann::json;

namespace {

const char* two_dbs = R"({
 "credentials": {"username": "eoe", "password": "s3cret"},
 "dbs": {
  "1-1RSSQ05": [
   {"GMCReferenceNumber": "7012345", "DoctorFirstName": "Ada", "DoctorLastName": "Byron",
    "DateAdded": "10/08/2025", "SubmissionDate": "01/01/2030", "UnderNotice": "No",
    "DoctorStatus": "LICENSED"},
   {"GMCReferenceNumber": "7000002", "DoctorFirstName": "Bea", "DoctorLastName": "Cole",
    "DateAdded": "01/09/2024", "SubmissionDate": "", "UnderNotice": "No",
    "DoctorStatus": "LICENSED"}],
  "1-1RSSPZ7": []},
 "tis_extract": "{\"tis_person_id\":\"P1\",\"gmc_number\":\"7012345\"}\n[]\n"
})";

feeds::GmcConnectSettings settings(const testing::FakeGmc& gmc) {
    feeds::GmcConnectSettings s;
    s.url = gmc.url() + "/GMCConnect";
    s.credentials = {"eoe", "s3cret"};
    s.http.timeout_ms = 5000;
    return s;
}

feeds::TryDoctorRequest request(const std::string& gmc, const std::string& db, int reason) {
    return {gmc, db, reason, feeds::new_client_request_id(), "admin@eoe.nhs.uk"};
}

json last_request(const testing::FakeGmc& gmc) {
    const auto all = gmc.requests();
    BOOST_REQUIRE(!all.empty());
    return json::parse(all.back());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(gmc_client)

// GetDoctorsForDB: the rows of the DB asked, and the request as the server saw it.
BOOST_AUTO_TEST_CASE(fetch_doctors) {
    testing::FakeGmc gmc(two_dbs);
    const auto r = feeds::fetch_doctors_for_db(settings(gmc), "1-1RSSQ05", "req-1", "nightly");
    BOOST_TEST_REQUIRE(r.ok, r.error);
    BOOST_TEST_REQUIRE(r.doctors.size() == 2u);
    BOOST_TEST(r.doctors[0].designated_body == "1-1RSSQ05");
    BOOST_TEST(r.doctors[1].date_added->to_string() == "2024-09-01");
    const json seen = last_request(gmc);
    BOOST_TEST(seen["operation"] == "GetDoctorsForDB");
    BOOST_TEST(seen["soap_action"] == "\"urn:casegate:gmc-connect/GetDoctorsForDB\"");
    BOOST_TEST(seen["content_type"] == "text/xml; charset=utf-8");
    BOOST_TEST(seen["fields"]["DesignatedBodyCode"] == "1-1RSSQ05");
    BOOST_TEST(seen["fields"]["ClientRequestID"] == "req-1");
    BOOST_TEST(seen["fields"]["InternalUser"] == "nightly");
    BOOST_TEST(seen["password_ok"] == true);
    BOOST_TEST(gmc.requests().back().find("s3cret") == std::string::npos);

    const auto empty = feeds::fetch_doctors_for_db(settings(gmc), "1-1RSSPZ7", "req-2", "nightly");
    BOOST_TEST(empty.ok);
    BOOST_TEST(empty.doctors.empty());
}

// Refusal codes are not retryable; failures of every transport kind are.
BOOST_AUTO_TEST_CASE(fetch_failures_sorted) {
    testing::FakeGmc gmc(two_dbs);
    auto s = settings(gmc);
    const auto unknown_db = feeds::fetch_doctors_for_db(s, "1-XXXXXX", "r", "u");
    BOOST_TEST(!unknown_db.ok);
    BOOST_TEST(!unknown_db.retryable);
    BOOST_TEST(unknown_db.return_code.value_or(-1) == 80);
    BOOST_TEST(unknown_db.error.find("designated body") != std::string::npos, unknown_db.error);

    s.credentials.password = "wrong";
    const auto bad_login = feeds::fetch_doctors_for_db(s, "1-1RSSQ05", "r", "u");
    BOOST_TEST(bad_login.return_code.value_or(-1) == 99);
    BOOST_TEST(!bad_login.retryable);
    s.credentials.password = "s3cret";

    s.http.timeout_ms = 1500;
    for (const char* mode : {"http500", "fault", "garbage", "drop"}) {
        json st = json::parse(two_dbs);
        st["fail"] = {{"mode", mode}};
        gmc.set_state(st.dump());
        const auto r = feeds::fetch_doctors_for_db(s, "1-1RSSQ05", "r", "u");
        BOOST_TEST(!r.ok, mode);
        BOOST_TEST(r.retryable, mode);
        BOOST_TEST(!r.return_code.has_value(), mode);
        BOOST_TEST(!r.error.empty(), mode);
        if (std::string(mode) == "fault")
            BOOST_TEST(r.error.find("SOAP Fault") != std::string::npos);
    }
    json slow = json::parse(two_dbs);
    slow["fail"] = {{"delay", 3}};
    gmc.set_state(slow.dump());
    s.http.timeout_ms = 500;
    const auto timed_out = feeds::fetch_doctors_for_db(s, "1-1RSSQ05", "r", "u");
    BOOST_TEST(!timed_out.ok);
    BOOST_TEST(timed_out.retryable);
}

// A row GMC sends with an impossible date makes the whole list unusable, naming the element.
BOOST_AUTO_TEST_CASE(fetch_bad_date) {
    json st = json::parse(two_dbs);
    st["dbs"]["1-1RSSQ05"][1]["DateAdded"] = "31/04/2024";
    testing::FakeGmc gmc(st.dump());
    const auto r = feeds::fetch_doctors_for_db(settings(gmc), "1-1RSSQ05", "r", "u");
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.doctors.empty());
    BOOST_TEST(r.error.find("DateAdded") != std::string::npos, r.error);
    BOOST_TEST(r.error.find("31/04/2024") != std::string::npos, r.error);
}

// Add then remove: 0 changes the server's state, 100 (already there) is success too, 140
// (not there) is a refusal with GMC's text.
BOOST_AUTO_TEST_CASE(add_and_remove) {
    testing::FakeGmc gmc(two_dbs);
    const auto s = settings(gmc);
    const auto add = feeds::try_add_doctor(s, request("7099999", "1-1RSSPZ7", 1));
    BOOST_TEST((add.outcome == GmcOutcome::success));
    BOOST_TEST(add.return_code.value_or(-1) == 0);
    BOOST_TEST(!add.gmc_request_id.empty());
    BOOST_TEST(json::parse(gmc.state())["dbs"]["1-1RSSPZ7"].size() == 1u);
    const json seen = last_request(gmc);
    BOOST_TEST(seen["operation"] == "TryAddDoctor");
    BOOST_TEST(seen["fields"]["GMCReferenceNumber"] == "7099999");
    BOOST_TEST(seen["fields"]["ChangeReason"] == "1");
    BOOST_TEST(seen["fields"]["InternalUser"] == "admin@eoe.nhs.uk");

    const auto again = feeds::try_add_doctor(s, request("7099999", "1-1RSSPZ7", 1));
    BOOST_TEST((again.outcome == GmcOutcome::success));
    BOOST_TEST(again.return_code.value_or(-1) == 100);

    const auto remove = feeds::try_remove_doctor(s, request("7099999", "1-1RSSPZ7", 3));
    BOOST_TEST((remove.outcome == GmcOutcome::success));
    BOOST_TEST(json::parse(gmc.state())["dbs"]["1-1RSSPZ7"].empty());
    const auto gone = feeds::try_remove_doctor(s, request("7099999", "1-1RSSPZ7", 3));
    BOOST_TEST((gone.outcome == GmcOutcome::refused));
    BOOST_TEST(gone.return_code.value_or(-1) == 140);
    BOOST_TEST(gone.text == "The doctor is not associated with the designated body");
    const auto bad_reason = feeds::try_add_doctor(s, request("7099999", "1-1RSSPZ7", 7));
    BOOST_TEST(bad_reason.return_code.value_or(-1) == 120);
}

// A code forced by the server: 98 is a refusal (70-160), 500 and no answer are retryable;
// `count` makes a failure pass, so the retry succeeds.
BOOST_AUTO_TEST_CASE(forced_codes_and_retry) {
    json st = json::parse(two_dbs);
    st["fail"] = {{"mode", "code"}, {"code", 98}, {"operations", {"TryAddDoctor"}}, {"count", 1}};
    testing::FakeGmc gmc(st.dump());
    const auto s = settings(gmc);
    const auto r98 = feeds::try_add_doctor(s, request("7012399", "1-1RSSQ05", 2));
    BOOST_TEST((r98.outcome == GmcOutcome::refused));
    BOOST_TEST(r98.text == "GMC Connect internal error");
    const auto next = feeds::try_add_doctor(s, request("7012399", "1-1RSSQ05", 2));
    BOOST_TEST((next.outcome == GmcOutcome::success));

    st["fail"] = {{"mode", "code"}, {"code", 500}};
    gmc.set_state(st.dump());
    const auto r500 = feeds::try_remove_doctor(s, request("7012345", "1-1RSSQ05", 1));
    BOOST_TEST((r500.outcome == GmcOutcome::retryable));
    BOOST_TEST(r500.return_code.value_or(-1) == 500);
    BOOST_TEST(r500.text == "GMC return code 500");

    st["fail"] = {{"mode", "http500"}};
    gmc.set_state(st.dump());
    const auto down = feeds::try_remove_doctor(s, request("7012345", "1-1RSSQ05", 1));
    BOOST_TEST((down.outcome == GmcOutcome::retryable));
    BOOST_TEST(!down.return_code.has_value());
    BOOST_TEST(down.text.find("HTTP 500") != std::string::npos, down.text);
}

// The TIS extract fetched over HTTP is parsed with per-line errors; a 404 is fatal.
BOOST_AUTO_TEST_CASE(fetch_tis_extract) {
    testing::FakeGmc gmc(two_dbs);
    const auto f = feeds::fetch_tis_feed(gmc.url() + "/tis", {});
    BOOST_TEST_REQUIRE(f.usable(), f.fatal);
    BOOST_TEST(f.persons.size() == 1u);
    BOOST_TEST(f.error_count == 1u);
    const auto missing = feeds::fetch_tis_feed(gmc.url() + "/nothing", {});
    BOOST_TEST(!missing.usable());
    BOOST_TEST(missing.fatal.find("404") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
