#include <boost/test/unit_test.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "forms/evaluate.hpp"
#include "tests/support/tools.hpp"

namespace f = casegate::forms;
using nlohmann::json;

namespace {

const f::ValidateContext kCtx{"2025-06-15", ""};

std::string read(const std::string& name) {
    return casegate::test_tools::read_file(std::string(CASEGATE_TEST_DATA "/forms/") + name);
}

// The keys of a JSON object in the order they appear in the text.
std::vector<std::string> key_order(const std::string& line) {
    std::vector<std::string> keys;
    json::parser_callback_t cb = [&](int depth, json::parse_event_t event, json& parsed) {
        if (depth == 1 && event == json::parse_event_t::key)
            keys.push_back(parsed.get<std::string>());
        return true;
    };
    const json parsed = json::parse(line, cb);
    BOOST_TEST(parsed.is_object());
    return keys;
}

using V = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_SUITE(parse_json)

// A complete web submission: JSON numbers, booleans and arrays become normalised values.
BOOST_AUTO_TEST_CASE(web_submission_complete) {
    const f::Evaluation e = f::evaluate_json(read("web_complete.json"), kCtx);
    BOOST_TEST(f::to_string(e.verdict) == "complete");
    BOOST_TEST(f::to_string(e.channel) == "web");
    BOOST_TEST(e.referral.text("gmc_number") == "1234567");
    BOOST_TEST(e.referral.text("local_office") == "Wessex");
    BOOST_TEST(!std::get<bool>(e.referral.fields.at("trainee_aware")));
    BOOST_TEST(std::get<V>(e.referral.fields.at("support_requested")) ==
               (V{"Exam support", "Coaching"}));
    BOOST_TEST(e.referral.fields.count("captcha_token") == 0u);
}

// The parse line has exactly the contract's keys, in order, on one line.
BOOST_AUTO_TEST_CASE(line_shape_and_key_order) {
    const std::string line =
        f::to_parse_json("in/web 1.json", f::evaluate_json(read("web_complete.json"), kCtx));
    BOOST_TEST(line.find('\n') == std::string::npos);
    BOOST_TEST(key_order(line) ==
                   (V{"file", "verdict", "channel", "fields", "missing", "errors", "attachments"}),
               boost::test_tools::per_element());
    const json j = json::parse(line);
    BOOST_TEST(j["file"] == "in/web 1.json");
    BOOST_TEST(j["verdict"] == "complete");
    BOOST_TEST(j["channel"] == "web");
    BOOST_TEST(j["fields"]["gmc_number"] == "1234567");
    BOOST_TEST(j["fields"]["incident_date"] == "2025-01-31");
    BOOST_TEST(j["fields"]["terms_accepted"] == true);
    BOOST_TEST(j["fields"]["trainee_aware"] == false);
    BOOST_TEST(j["fields"]["support_requested"] == json::array({"Exam support", "Coaching"}));
    BOOST_TEST(j["fields"]["referrer_role"] == "Local Office Admin");
    BOOST_TEST(j["fields"].size() == 13u);
    BOOST_TEST(j["missing"] == json::array());
    BOOST_TEST(j["errors"] == json::array());
    BOOST_TEST(j["attachments"] == json::array());
}

// Fields are written in form order, not alphabetically.
BOOST_AUTO_TEST_CASE(fields_in_form_order) {
    const std::string line =
        f::to_parse_json("x", f::evaluate_json(read("web_complete.json"), kCtx));
    const std::string fields = line.substr(line.find("\"fields\":") + 9);
    BOOST_TEST(fields.find("\"trainee_name\"") < fields.find("\"gmc_number\""));
    BOOST_TEST(fields.find("\"gmc_number\"") < fields.find("\"details\""));
}

// Missing keys, errors and attachments are rendered as the contract spells them.
BOOST_AUTO_TEST_CASE(incomplete_line) {
    f::Evaluation e;
    e.verdict = f::Verdict::incomplete;
    e.channel = f::Channel::email_body;
    e.referral.fields["grade"] = std::string("F2 \"acting\"");
    e.referral.missing = {"gmc_number", "details"};
    e.referral.errors = {{"incident_date", "must not be in the future"}};
    e.attachments = {{"scan.pdf", "application/pdf", 1234}};
    BOOST_TEST(
        f::to_parse_json("a.eml", e) ==
        "{\"file\":\"a.eml\",\"verdict\":\"incomplete\",\"channel\":\"email-body\","
        "\"fields\":{\"grade\":\"F2 \\\"acting\\\"\"},\"missing\":[\"gmc_number\",\"details\"],"
        "\"errors\":[{\"field\":\"incident_date\",\"message\":\"must not be in the future\"}],"
        "\"attachments\":[{\"filename\":\"scan.pdf\",\"content_type\":\"application/pdf\","
        "\"size\":1234}]}");
}

// Every verdict and channel has the spelling of the contract.
BOOST_AUTO_TEST_CASE(verdict_and_channel_names) {
    BOOST_TEST(f::to_string(f::Verdict::not_a_referral) == "not_a_referral");
    BOOST_TEST(f::to_string(f::Verdict::auto_reply) == "auto_reply");
    BOOST_TEST(f::to_string(f::Verdict::bounce) == "bounce");
    BOOST_TEST(f::to_string(f::Channel::email_body) == "email-body");
    BOOST_TEST(f::to_string(f::Channel::email_pdf) == "email-pdf");
    BOOST_TEST(f::to_string(f::Channel::pdf) == "pdf");
    BOOST_TEST(f::to_string(f::Channel::none) == "none");
}

// Bytes that are not UTF-8 in a file name are replaced rather than breaking the line.
BOOST_AUTO_TEST_CASE(invalid_utf8_file_name) {
    const json j = json::parse(f::to_parse_json("bad\xFF.eml", f::Evaluation{}));
    BOOST_TEST(j["file"] == "bad\xEF\xBF\xBD.eml");
    BOOST_TEST(j["verdict"] == "not_a_referral");
    BOOST_TEST(j["channel"] == "none");
}

// Malformed JSON is not a referral, and the reason says where the parse failed.
BOOST_AUTO_TEST_CASE(malformed_json) {
    const f::Evaluation e = f::evaluate_json("{\"trainee_name\": \"Jane\",}", kCtx);
    BOOST_TEST(f::to_string(e.verdict) == "not_a_referral");
    BOOST_TEST(f::to_string(e.channel) == "none");
    BOOST_TEST(e.reason == "malformed JSON at byte 25");
}

// Non-objects, hostile nesting and objects without form keys are not referrals.
BOOST_AUTO_TEST_CASE(not_a_form) {
    BOOST_TEST(f::evaluate_json("[1,2]", kCtx).reason == "JSON submission is not an object");
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    BOOST_TEST(f::evaluate_json(deep, kCtx).reason.find("nested") != std::string::npos);
    BOOST_TEST(f::evaluate_json("{\"referrer_email\":\"a@b.org\"}", kCtx).reason ==
               "no referral form fields found");
    BOOST_TEST(f::to_string(f::evaluate_json("1e99999", kCtx).verdict) == "not_a_referral");
}

// Values of the wrong JSON type are errors on their field, not missing and not defaulted.
BOOST_AUTO_TEST_CASE(wrong_types_are_field_errors) {
    const f::Evaluation e = f::evaluate_json(
        "{\"trainee_name\":{\"first\":\"Jane\"},\"terms_accepted\":\"yes\",\"trainee_aware\":1,"
        "\"referrer_email\":[\"a@b.org\"],\"details\":null}",
        {"2025-06-15", "default@example.org"});
    BOOST_TEST(f::to_string(e.verdict) == "incomplete");
    std::vector<std::string> error_fields;
    for (const auto& err : e.referral.errors) error_fields.push_back(err.field);
    BOOST_TEST(error_fields == (V{"trainee_name", "referrer_email", "trainee_aware"}),
               boost::test_tools::per_element());
    BOOST_TEST(e.referral.errors[0].message == "must be text");
    BOOST_TEST(e.referral.errors[2].message == "must be true or false");
    BOOST_TEST(e.referral.fields.count("referrer_email") == 0u);
    BOOST_TEST(std::count(e.referral.missing.begin(), e.referral.missing.end(), "details") == 1);
    BOOST_TEST(std::count(e.referral.missing.begin(), e.referral.missing.end(), "trainee_name") ==
               0);
}

// The form service's shape (fields inside "fields", documents base64 beside them) reads the
// same fields, and its documents come back byte for byte and are listed in the parse line.
BOOST_AUTO_TEST_CASE(form_service_submission_with_documents) {
    std::vector<casegate::parsers::Attachment> documents;
    const f::Evaluation e = f::evaluate_json(read("web_submission.json"), kCtx, &documents);
    BOOST_TEST(f::to_string(e.verdict) == "complete");
    BOOST_TEST(f::to_string(e.channel) == "web");
    BOOST_TEST(e.referral.text("gmc_number") == "1234567");
    BOOST_REQUIRE(documents.size() == 2u);
    BOOST_TEST(documents[0].filename == "statement.pdf");
    BOOST_TEST(documents[0].data.rfind("%PDF-1.4\n", 0) == 0u);
    BOOST_TEST(documents[1].content_type == "image/png");
    BOOST_TEST(documents[1].data.size() == 29u);
    const json line = json::parse(f::to_parse_json("s.json", e));
    BOOST_TEST(line["attachments"].size() == 2u);
    BOOST_TEST(line["attachments"][1]["size"] == 29);
}

// A document list that is not what the service writes makes the item not a referral, saying
// which document and what is wrong; the fields alone are not taken without their documents.
BOOST_AUTO_TEST_CASE(malformed_documents_are_refused_with_the_reason) {
    const std::string fields = R"("fields":{"trainee_name":"Jane Roe","gmc_number":"1234567"})";
    const auto reason = [&](const std::string& documents) {
        return f::evaluate_json("{" + fields + ",\"documents\":" + documents + "}", kCtx).reason;
    };
    BOOST_TEST(reason("{}") == "web submission: documents is not a list");
    BOOST_TEST(reason("[1]") == "web submission: document 1 is not an object");
    BOOST_TEST(reason(R"([{"filename":"a.pdf","content_type":"application/pdf","content_base64":"Zg=="},)"
                      R"({"filename":"b.pdf","content_type":"application/pdf","content_base64":"%%"}])") ==
               "web submission: document 2: content_base64 is not base64");
    BOOST_TEST(reason(R"([{"filename":"a.pdf"}])") ==
               "web submission: document 1: filename, content_type and content_base64 must be text");
    BOOST_TEST(f::to_string(f::evaluate_json("{" + fields + "}", kCtx).verdict) == "incomplete");
}

BOOST_AUTO_TEST_SUITE_END()
