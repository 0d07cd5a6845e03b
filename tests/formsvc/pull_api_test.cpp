// The pull API over a real spool: nothing without the token (and nothing leaks in the refusal),
// listing and paging, a submission and its documents fetched, acknowledging twice harmless.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "formsvc/pull_api.hpp"
#include "util/random.hpp"

namespace fs = std::filesystem;
using namespace casegate;

namespace {

const std::string kToken = "pull-token-0123456789abcdef";

struct Api {
    std::string dir =
        (fs::temp_directory_path() / ("casegate-pull-" + util::random_hex(6))).string();
    formsvc::Spool spool{dir};
    ~Api() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }

    http::Response call(const std::string& method, const std::string& path,
                        const std::string& token = kToken,
                        std::multimap<std::string, std::string> params = {}) {
        http::Request r;
        r.method = method;
        r.path = path;
        r.params = std::move(params);
        if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
        return formsvc::pull_api(spool, kToken, r);
    }
};

nlohmann::json body(const http::Response& r) { return nlohmann::json::parse(r.body); }

}  // namespace

BOOST_FIXTURE_TEST_SUITE(pull_api, Api)

BOOST_AUTO_TEST_CASE(nothing_without_the_token) {
    const std::string receipt = spool.store(R"({"trainee_name":"Dana Doctor"})", {});
    for (const std::string& token : {std::string(), std::string("wrong"), kToken + "x",
                                     kToken.substr(0, kToken.size() - 1)}) {
        for (const auto& [method, path] :
             std::vector<std::pair<std::string, std::string>>{
                 {"GET", "/api/submissions"},
                 {"GET", "/api/submissions/" + receipt},
                 {"POST", "/api/submissions/" + receipt + "/ack"}}) {
            const http::Response r = call(method, path, token);
            BOOST_TEST(r.status == 401, method << " " << path);
            BOOST_TEST(r.body.empty());
        }
    }
    http::Request basic;
    basic.method = "GET";
    basic.path = "/api/submissions";
    basic.headers["authorization"] = "Basic " + kToken;
    BOOST_TEST(formsvc::pull_api(spool, kToken, basic).status == 401);
    BOOST_TEST(spool.pending("", 10).size() == 1U);  // the refused ack deleted nothing
}

BOOST_AUTO_TEST_CASE(listed_oldest_first_and_paged) {
    std::vector<std::string> receipts;
    for (int i = 0; i < 3; ++i) receipts.push_back(spool.store("{}", {}));
    BOOST_TEST(body(call("GET", "/api/submissions"))["submissions"] == nlohmann::json(receipts));
    const http::Response page =
        call("GET", "/api/submissions", kToken, {{"after", receipts[0]}, {"limit", "1"}});
    BOOST_TEST(body(page)["submissions"] == nlohmann::json({receipts[1]}));
    BOOST_TEST(call("GET", "/api/submissions", kToken, {{"after", "../x"}}).status == 400);
    BOOST_TEST(call("GET", "/api/submissions", kToken, {{"limit", "0"}}).status == 400);
    BOOST_TEST(call("GET", "/api/submissions", kToken, {{"limit", "501"}}).status == 400);
}

BOOST_AUTO_TEST_CASE(a_submission_and_its_documents) {
    const std::string pdf("%PDF-1.7\0binary", 15);
    const std::string receipt = spool.store(R"({"gmc_number":"1234567"})",
                                            {{"notes.pdf", "application/pdf", pdf}});
    const http::Response one = call("GET", "/api/submissions/" + receipt);
    BOOST_TEST(one.status == 200);
    const nlohmann::json j = body(one);
    BOOST_TEST(j["receipt"] == receipt);
    BOOST_TEST(j["fields"]["gmc_number"] == "1234567");
    BOOST_TEST(j["documents"][0]["filename"] == "notes.pdf");
    BOOST_TEST(j["documents"][0]["size"] == pdf.size());
    const http::Response doc = call("GET", "/api/submissions/" + receipt + "/documents/1");
    BOOST_TEST(doc.status == 200);
    BOOST_TEST(doc.body == pdf);
    BOOST_TEST(call("GET", "/api/submissions/" + receipt + "/documents/2").status == 404);
    BOOST_TEST(call("GET", "/api/submissions/20261203-093012-123456-ABCDEF").status == 404);
}

BOOST_AUTO_TEST_CASE(acknowledged_once_twice_harmless) {
    const std::string receipt = spool.store("{}", {});
    BOOST_TEST(body(call("POST", "/api/submissions/" + receipt + "/ack"))["acknowledged"] == true);
    BOOST_TEST(body(call("POST", "/api/submissions/" + receipt + "/ack"))["acknowledged"] == false);
    BOOST_TEST(call("GET", "/api/submissions/" + receipt).status == 404);
    BOOST_TEST(body(call("GET", "/api/submissions"))["submissions"].empty());
}

BOOST_AUTO_TEST_SUITE_END()
