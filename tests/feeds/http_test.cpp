// net::http_get / http_post against the fake GMC server on loopback: statuses, size limits,
// timeouts, refused URLs and headers; and a real HTTPS server for the TIS extract.
#include <boost/test/unit_test.hpp>

#include "feeds/tis_feed.hpp"
#include "net/curl.hpp"
#include "tests/feeds/fake_gmc.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/tools.hpp"

using namespace casegate;

BOOST_AUTO_TEST_SUITE(http)

// A GET returns status and body; a non-2xx status is still a response.
BOOST_AUTO_TEST_CASE(get_status_and_body) {
    testing::FakeGmc gmc(R"({"dbs":{}})");
    const auto ok = net::http_get(gmc.url() + "/health");
    BOOST_TEST_REQUIRE(ok.ok, ok.error);
    BOOST_TEST(ok.status == 200);
    BOOST_TEST(ok.body == "ok");
    const auto unavailable = net::http_get(gmc.url() + "/status?code=503");
    BOOST_TEST(unavailable.ok);
    BOOST_TEST(unavailable.status == 503);
}

// A body over max_response_bytes is abandoned and reported; one at the limit is read.
BOOST_AUTO_TEST_CASE(max_response_size) {
    testing::FakeGmc gmc(R"({"dbs":{}})");
    net::HttpOptions o;
    o.max_response_bytes = 100000;
    const auto big = net::http_get(gmc.url() + "/bytes?n=100001", o);
    BOOST_TEST(!big.ok);
    BOOST_TEST(big.too_large);
    BOOST_TEST(big.body.empty());
    BOOST_TEST(big.error.find("larger than 100000") != std::string::npos, big.error);
    const auto exact = net::http_get(gmc.url() + "/bytes?n=100000", o);
    BOOST_TEST_REQUIRE(exact.ok, exact.error);
    BOOST_TEST(exact.body.size() == 100000u);
}

// A server slower than timeout_ms gives a failure, not a hang.
BOOST_AUTO_TEST_CASE(timeout) {
    testing::FakeGmc gmc(R"({"dbs":{},"fail":{"delay":3}})");
    net::HttpOptions o;
    o.timeout_ms = 400;
    const auto start = std::chrono::steady_clock::now();
    const auto r = net::http_post(
        gmc.url() + "/", "<Envelope><Body><GetDoctorsForDB/></Body></Envelope>", "text/xml", {}, o);
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.status == 0);
    BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(3)));
}

// Plain http:// is refused unless the host is loopback, other schemes always; nothing is
// sent. A name merely starting with "127." is not loopback.
BOOST_AUTO_TEST_CASE(plain_http_only_to_loopback) {
    for (const char* url : {"http://example.org/tis", "http://127.example.org/",
                            "ftp://127.0.0.1/x", "file:///etc/passwd", "gopher://localhost/"}) {
        const auto r = net::http_get(url);
        BOOST_TEST(!r.ok, url);
        BOOST_TEST(r.curl_code == 0, url);  // refused before libcurl ran
        BOOST_TEST(!r.error.empty());
    }
    BOOST_TEST(net::is_loopback_url("http://127.0.0.1:8080/x"));
    BOOST_TEST(net::is_loopback_url("http://[::1]:8080/x"));
    BOOST_TEST(net::is_loopback_url("http://localhost/x"));
    BOOST_TEST(!net::is_loopback_url("http://127.example.org/"));
    BOOST_TEST(!net::is_loopback_url("http://127.0.0.1.example.org/"));
    BOOST_TEST(!net::is_loopback_url("http://10.0.0.1/"));
}

// Nothing listening: a failure with curl's reason, no status.
BOOST_AUTO_TEST_CASE(connection_refused) {
    net::HttpOptions o;
    o.connect_timeout_ms = 2000;
    const auto r = net::http_get("http://127.0.0.1:1/", o);
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.status == 0);
    BOOST_TEST(r.curl_code != 0);
}

// https is verified: a TLS handshake with a plain-HTTP server fails rather than falling back.
BOOST_AUTO_TEST_CASE(https_never_falls_back) {
    testing::FakeGmc gmc(R"({"dbs":{}})");
    std::string url = gmc.url();
    url.replace(0, 4, "https");
    net::HttpOptions o;
    o.timeout_ms = 3000;
    const auto r = net::http_get(url + "/health", o);
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.body.empty());
}

// The TIS extract over real HTTPS: verified against the certificate given as ca_file, read and
// parsed; the same server is refused without it (verification is never off).
BOOST_AUTO_TEST_CASE(tis_extract_over_verified_https) {
    test_tools::TempDir dir;
    const int rc = test_tools::run(
        test_tools::quoted(test_tools::tool("openssl")) +
        " req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1"
        " -addext subjectAltName=IP:127.0.0.1 -keyout " + test_tools::quoted(dir.file("key.pem")) +
        " -out " + test_tools::quoted(dir.file("cert.pem")));
    BOOST_TEST_REQUIRE(rc == 0);
    test_tools::write_file(dir.file("extract.jsonl"),
                           "{\"tis_person_id\":\"P1\",\"gmc_number\":\"7000001\"}\n"
                           "{\"tis_person_id\":\"P2\"}\n");
    const int port = e2e::free_port();
    e2e::Process server({"/usr/bin/python3", std::string(CASEGATE_SOURCE_DIR) + "/tests/support/https_files.py",
                         std::to_string(port), dir.file("cert.pem"), dir.file("key.pem"), dir.path.string()});
    BOOST_TEST_REQUIRE(e2e::eventually([&] { return e2e::port_open(port); }, std::chrono::seconds(20)));
    const std::string url = "https://127.0.0.1:" + std::to_string(port) + "/extract.jsonl";

    net::HttpOptions trusted;
    trusted.ca_file = dir.file("cert.pem");
    const feeds::TisFeed feed = feeds::fetch_tis_feed(url, trusted);
    BOOST_TEST(feed.fatal.empty(), feed.fatal);
    BOOST_REQUIRE_EQUAL(feed.persons.size(), 2u);
    BOOST_TEST(feed.persons[0].tis_person_id == "P1");

    net::HttpOptions system_store;
    system_store.timeout_ms = 5000;
    const auto refused = net::http_get(url, system_store);
    BOOST_TEST(!refused.ok);
    BOOST_TEST(refused.error.find("certificate") != std::string::npos, refused.error);
}

// POST sends the body, content type and headers; a header with CR/LF is refused.
BOOST_AUTO_TEST_CASE(post_body_and_headers) {
    testing::FakeGmc gmc(R"({"dbs":{}})");
    const auto r = net::http_post(gmc.url() + "/control", R"({"marker":"set"})", "application/json",
                                  {"X-Test: 1"});
    BOOST_TEST_REQUIRE(r.ok, r.error);
    BOOST_TEST(r.status == 200);
    BOOST_TEST(gmc.state().find("\"marker\": \"set\"") != std::string::npos, gmc.state());
    const auto bad = net::http_post(gmc.url() + "/control", "{}", "application/json",
                                    {"X-Test: 1\r\nX-Injected: 2"});
    BOOST_TEST(!bad.ok);
    BOOST_TEST(bad.error.find("header") != std::string::npos);
    const auto bad_type = net::http_post(gmc.url() + "/control", "{}", "text/plain\r\nX: y");
    BOOST_TEST(!bad_type.ok);
}

BOOST_AUTO_TEST_SUITE_END()
