// GMC Connect envelopes: the requests built (golden and structural) and the responses read
// (normal, empty, fault, malformed, bad dates, missing return code, DTD, limits).
#include "feeds/gmc_soap.hpp"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

using namespace casegate;
using feeds::SoapError;

namespace {

std::string soap_file(const std::string& name) {
    std::ifstream in(std::string(CASEGATE_TEST_DATA) + "/reval/soap/" + name, std::ios::binary);
    BOOST_REQUIRE_MESSAGE(in, "cannot read " << name);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

feeds::TryDoctorRequest add_request() {
    return {"7012345", "1-1RSSQ05", 1, "id-1", "admin@eoe.nhs.uk"};
}

// A GetDoctorsForDB response with n identical rows.
std::string many_rows(std::size_t n) {
    std::string rows;
    for (std::size_t i = 0; i < n; ++i) {
        rows += "<DoctorForDB><GMCReferenceNumber>" + std::to_string(7000000 + i) +
                "</GMCReferenceNumber><DateAdded>01/01/2020</DateAdded></DoctorForDB>";
    }
    return "<Envelope><Body><GetDoctorsForDBResponse><GetDoctorsForDBResult><ReturnCode>0"
           "</ReturnCode><DoctorsForDB>" +
           rows +
           "</DoctorsForDB></GetDoctorsForDBResult></GetDoctorsForDBResponse></Body></Envelope>";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(soap)

// The GetDoctorsForDB envelope matches the golden file byte for byte, escaping included.
BOOST_AUTO_TEST_CASE(get_doctors_request_golden) {
    const auto call = feeds::build_get_doctors_for_db(
        {"1-1RSSQ05", "c0ffee00-0000-4000-8000-000000000001", "nightly & <sync>"},
        {"eoe-reval", "p\"w'd"});
    BOOST_TEST(call.envelope == soap_file("get_doctors_request.xml"));
    BOOST_TEST(call.operation == "GetDoctorsForDB");
    BOOST_TEST(call.soap_action == "urn:casegate:gmc-connect/GetDoctorsForDB");
}

// TryAddDoctor and TryRemoveDoctor carry every input once, in their own wrapper element.
BOOST_AUTO_TEST_CASE(try_requests_structure) {
    feeds::GmcSoapConfig cfg;
    cfg.service_namespace = "https://gmc.example/ws";
    cfg.soap_action_base = "";
    const auto add = feeds::build_try_add_doctor(add_request(), {"u", "pw"}, cfg);
    auto remove_req = add_request();
    remove_req.reason_code = 3;
    const auto remove = feeds::build_try_remove_doctor(remove_req, {"u", "pw"}, cfg);
    BOOST_TEST(add.soap_action.empty());
    for (const auto* c : {&add, &remove}) {
        const std::string& x = c->envelope;
        BOOST_TEST(x.find("<" + c->operation + " xmlns=\"https://gmc.example/ws\">") !=
                   std::string::npos);
        for (const char* part : {"<GMCReferenceNumber>7012345</GMCReferenceNumber>",
                                 "<DesignatedBodyCode>1-1RSSQ05</DesignatedBodyCode>",
                                 "<ClientRequestID>id-1</ClientRequestID>",
                                 "<InternalUser>admin@eoe.nhs.uk</InternalUser>",
                                 "<username>u</username>", "<password>pw</password>"}) {
            BOOST_TEST(x.find(part) != std::string::npos, c->operation << " lacks " << part);
        }
    }
    BOOST_TEST(add.envelope.find("<tryAddDoctorRequest>") != std::string::npos);
    BOOST_TEST(add.envelope.find("<ChangeReason>1</ChangeReason>") != std::string::npos);
    BOOST_TEST(remove.envelope.find("<tryRemoveDoctorRequest>") != std::string::npos);
    BOOST_TEST(remove.envelope.find("<ChangeReason>3</ChangeReason>") != std::string::npos);
}

// A request built by us is read back by our own parser as XML (it is well-formed), and a
// control character is refused, naming the element.
BOOST_AUTO_TEST_CASE(request_values_are_checked) {
    auto r = add_request();
    r.internal_user = "bad\x01user";
    try {
        feeds::build_try_add_doctor(r, {"u", "p"});
        BOOST_FAIL("a control character was accepted");
    } catch (const std::invalid_argument& e) {
        BOOST_TEST(std::string(e.what()).find("<InternalUser>") != std::string::npos);
    }
}

// Two rows become GmcDoctor records tagged with the DB asked, dates as YYYY-MM-DD,
// CDATA and entities decoded, an empty date absent, the status read as the licence.
BOOST_AUTO_TEST_CASE(get_doctors_normal) {
    const auto r =
        feeds::parse_get_doctors_for_db(soap_file("get_doctors_two_rows.xml"), "1-1RSSQ05");
    BOOST_TEST_REQUIRE(r.ok(), r.message);
    BOOST_TEST(*r.return_code == 0);
    BOOST_TEST(r.client_request_id == "c0ffee00-0000-4000-8000-000000000001");
    BOOST_TEST(r.gmc_request_id == "55501");
    BOOST_TEST_REQUIRE(r.doctors.size() == 2u);
    const auto& a = r.doctors[0];
    BOOST_TEST(a.gmc_number == "7012345");
    BOOST_TEST(a.forenames == "Ada");
    BOOST_TEST(a.designated_body == "1-1RSSQ05");
    BOOST_TEST(a.date_added->to_string() == "2025-08-10");
    BOOST_TEST(a.submission_date->to_string() == "2030-01-01");
    BOOST_TEST(a.under_notice == "NO");
    BOOST_TEST((a.licence == revalidation::Licence::licensed));
    const auto& b = r.doctors[1];
    BOOST_TEST(b.gmc_number == "7000002");
    BOOST_TEST(b.forenames == "Zoë & Co");
    BOOST_TEST(b.surname == "O'Neill");
    BOOST_TEST(!b.submission_date.has_value());
    BOOST_TEST(b.date_added->to_string() == "2024-02-29");
    BOOST_TEST((b.licence == revalidation::Licence::suspended));
    BOOST_TEST(r.defects.empty());
}

// Other prefixes and namespaces are matched by local name; an unknown status is a defect.
BOOST_AUTO_TEST_CASE(get_doctors_any_namespace) {
    const auto r =
        feeds::parse_get_doctors_for_db(soap_file("get_doctors_prefixed_namespaces.xml"), "DB");
    BOOST_TEST_REQUIRE(r.ok(), r.message);
    BOOST_TEST_REQUIRE(r.doctors.size() == 1u);
    BOOST_TEST(r.doctors[0].gmc_number == "7111111");
    BOOST_TEST_REQUIRE(r.defects.size() == 1u);
    BOOST_TEST(r.defects[0].find("DoctorStatus") != std::string::npos);
    BOOST_TEST(r.defects[0].find("7111111") != std::string::npos);
}

// An empty list is a valid answer with no doctors.
BOOST_AUTO_TEST_CASE(get_doctors_empty) {
    const auto r = feeds::parse_get_doctors_for_db(soap_file("get_doctors_empty.xml"), "DB");
    BOOST_TEST(r.ok());
    BOOST_TEST(r.doctors.empty());
    BOOST_TEST(*r.return_code == 0);
}

// A SOAP Fault is reported with its code and text.
BOOST_AUTO_TEST_CASE(fault_is_reported) {
    const auto r = feeds::parse_get_doctors_for_db(soap_file("fault_server.xml"), "DB");
    BOOST_TEST((r.error == SoapError::fault));
    BOOST_TEST(r.message.find("soap:Server") != std::string::npos);
    BOOST_TEST(r.message.find("unable to process request. ---> Timeout") != std::string::npos);
    const auto t = feeds::parse_try_doctor(soap_file("fault_server.xml"), "TryAddDoctor");
    BOOST_TEST((t.error == SoapError::fault));
}

// Truncated XML, non-SOAP XML, the wrong response element and an empty body are malformed.
BOOST_AUTO_TEST_CASE(malformed_responses) {
    for (const std::string& xml :
         {soap_file("truncated_envelope.xml"), std::string("<html><body>Bad gateway</body></html>"),
          std::string(""), std::string("not xml"),
          soap_file("try_add_already_associated_100.xml")}) {
        const auto r = feeds::parse_get_doctors_for_db(xml, "DB");
        BOOST_TEST((r.error == SoapError::malformed), "accepted: " << xml.substr(0, 60));
        BOOST_TEST(!r.message.empty());
    }
    const auto wrong =
        feeds::parse_get_doctors_for_db(soap_file("try_add_already_associated_100.xml"), "DB");
    BOOST_TEST(wrong.message.find("expected <GetDoctorsForDBResponse>") != std::string::npos);
}

// A date that does not exist, or in another format, fails the response naming the element
// and the row.
BOOST_AUTO_TEST_CASE(bad_dates_name_the_element) {
    const auto a =
        feeds::parse_get_doctors_for_db(soap_file("bad_date_day_does_not_exist.xml"), "DB");
    BOOST_TEST((a.error == SoapError::bad_value));
    BOOST_TEST(a.message.find("DateAdded") != std::string::npos, a.message);
    BOOST_TEST(a.message.find("30/02/2025") != std::string::npos);
    BOOST_TEST(a.message.find("row 2") != std::string::npos);
    BOOST_TEST(a.message.find("7000002") != std::string::npos);
    const auto b = feeds::parse_get_doctors_for_db(soap_file("bad_date_iso_format.xml"), "DB");
    BOOST_TEST((b.error == SoapError::bad_value));
    BOOST_TEST(b.message.find("SubmissionDate") != std::string::npos, b.message);
    BOOST_TEST(feeds::parse_gmc_date("31/12/1999")->to_string() == "1999-12-31");
    BOOST_TEST(!feeds::parse_gmc_date("29/02/2023"));
    BOOST_TEST(!feeds::parse_gmc_date("1/2/2023"));
    BOOST_TEST(!feeds::parse_gmc_date("aa/bb/cccc"));
}

// A response without ReturnCode, or with one that is not a number, is an error.
BOOST_AUTO_TEST_CASE(return_code_required) {
    const auto a = feeds::parse_get_doctors_for_db(soap_file("missing_return_code.xml"), "DB");
    BOOST_TEST((a.error == SoapError::missing_return_code));
    const auto b =
        feeds::parse_try_doctor(soap_file("return_code_not_a_number.xml"), "TryAddDoctor");
    BOOST_TEST((b.error == SoapError::bad_value));
    BOOST_TEST(b.message.find("ReturnCode") != std::string::npos);
}

// A document with a DTD is refused before any entity could be expanded.
BOOST_AUTO_TEST_CASE(dtd_refused) {
    const auto r = feeds::parse_get_doctors_for_db(soap_file("doctype_entity_expansion.xml"), "DB");
    BOOST_TEST((r.error == SoapError::malformed));
    BOOST_TEST(r.message.find("DTD") != std::string::npos, r.message);
}

// Size and row limits stop huge responses with a clear error; within the limits 50,000 rows
// parse.
BOOST_AUTO_TEST_CASE(huge_responses) {
    const std::string big = many_rows(50000);
    feeds::SoapLimits small;
    small.max_response_bytes = 1000;
    BOOST_TEST((feeds::parse_get_doctors_for_db(big, "DB", small).error == SoapError::too_large));
    feeds::SoapLimits few;
    few.max_rows = 100;
    const auto capped = feeds::parse_get_doctors_for_db(big, "DB", few);
    BOOST_TEST((capped.error == SoapError::too_many_rows));
    BOOST_TEST(capped.message.find("max_rows=100") != std::string::npos);
    const auto all = feeds::parse_get_doctors_for_db(big, "DB");
    BOOST_TEST_REQUIRE(all.ok(), all.message);
    BOOST_TEST(all.doctors.size() == 50000u);
    BOOST_TEST(all.doctors.back().gmc_number == "7049999");
}

// TryAddDoctor / TryRemoveDoctor answers: the code and ids are read.
BOOST_AUTO_TEST_CASE(try_responses) {
    const auto a =
        feeds::parse_try_doctor(soap_file("try_add_already_associated_100.xml"), "TryAddDoctor");
    BOOST_TEST_REQUIRE(a.ok(), a.message);
    BOOST_TEST(*a.return_code == 100);
    BOOST_TEST(a.gmc_request_id == "777");
    const auto b =
        feeds::parse_try_doctor(soap_file("try_remove_not_associated_140.xml"), "TryRemoveDoctor");
    BOOST_TEST_REQUIRE(b.ok(), b.message);
    BOOST_TEST(*b.return_code == 140);
    BOOST_TEST(b.client_request_id == "r3");
}

// Return code texts exist for GMC's documented codes and not for others; client request ids
// are version-4 UUIDs and differ.
BOOST_AUTO_TEST_CASE(codes_and_ids) {
    for (int code : {0, 70, 80, 81, 90, 98, 99, 100, 110, 120, 140, 160}) {
        BOOST_TEST(!feeds::gmc_return_code_text(code).empty(), code);
    }
    BOOST_TEST(feeds::gmc_return_code_text(1).empty());
    BOOST_TEST(feeds::gmc_return_code_text(150).empty());
    std::set<std::string> ids;
    const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    for (int i = 0; i < 100; ++i) {
        const std::string id = feeds::new_client_request_id();
        BOOST_TEST(std::regex_match(id, uuid), id);
        ids.insert(id);
    }
    BOOST_TEST(ids.size() == 100u);
}

BOOST_AUTO_TEST_SUITE_END()
