// The form service's spool: what is stored is read back byte for byte, listed in the order
// received, kept until acknowledged (acknowledging twice is harmless), and what a crash left
// half-written never shows as pending.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <regex>

#include "formsvc/spool.hpp"
#include "util/random.hpp"

namespace fs = std::filesystem;
using casegate::formsvc::Spool;
using casegate::formsvc::SpoolDocument;

namespace {

struct TempSpool {
    std::string dir = (fs::temp_directory_path() / ("casegate-spool-" + casegate::util::random_hex(6))).string();
    ~TempSpool() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(spool)

BOOST_FIXTURE_TEST_CASE(a_submission_is_read_back_as_stored, TempSpool) {
    Spool s(dir);
    const std::string binary("%PDF-1.7\0\x01\xff end", 15);
    const std::string receipt =
        s.store(R"({"trainee_name":"Zoë Doctor"})",
                {{"notes.pdf", "application/pdf", binary}, {"empty.txt", "text/plain", ""}});
    BOOST_TEST(Spool::is_receipt(receipt), receipt);
    BOOST_TEST(((fs::status(dir).permissions() & fs::perms::others_all) == fs::perms::none));
    const auto back = s.read(receipt);
    BOOST_REQUIRE(back);
    BOOST_TEST(back->receipt == receipt);
    BOOST_TEST(std::regex_match(back->received_at,
                                std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
    BOOST_TEST(back->fields_json == R"({"trainee_name":"Zoë Doctor"})");
    BOOST_REQUIRE_EQUAL(back->documents.size(), 2U);
    BOOST_TEST(back->documents[0].filename == "notes.pdf");
    BOOST_TEST(back->documents[0].content_type == "application/pdf");
    BOOST_TEST(back->documents[0].content == binary);
    BOOST_TEST(back->documents[1].content.empty());
    // Nothing is left in the staging directory.
    BOOST_TEST(fs::is_empty(dir + "/tmp"));
}

BOOST_FIXTURE_TEST_CASE(pending_in_the_order_received_and_paged, TempSpool) {
    Spool s(dir);
    std::vector<std::string> receipts;
    for (int i = 0; i < 5; ++i) receipts.push_back(s.store("{}", {}));
    BOOST_TEST(s.pending("", 100) == receipts, boost::test_tools::per_element());
    const auto first_two = s.pending("", 2);
    BOOST_TEST(first_two == std::vector<std::string>(receipts.begin(), receipts.begin() + 2),
               boost::test_tools::per_element());
    const auto rest = s.pending(first_two.back(), 100);
    BOOST_TEST(rest == std::vector<std::string>(receipts.begin() + 2, receipts.end()),
               boost::test_tools::per_element());
    // A second Spool on the same directory (the service restarted) sees the same.
    BOOST_TEST(Spool(dir).pending("", 100) == receipts, boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(acknowledged_once_then_gone, TempSpool) {
    Spool s(dir);
    const std::string kept = s.store("{}", {});
    const std::string receipt = s.store("{}", {{"a.txt", "text/plain", "x"}});
    BOOST_TEST(s.acknowledge(receipt));
    BOOST_TEST(!s.acknowledge(receipt));
    BOOST_TEST(!s.read(receipt));
    BOOST_TEST(s.pending("", 100) == std::vector<std::string>{kept},
               boost::test_tools::per_element());
    BOOST_TEST(fs::is_empty(dir + "/acknowledged"));
}

// A crash while writing leaves its files in tmp/: never listed, removed at the next start.
BOOST_FIXTURE_TEST_CASE(half_written_submissions_are_never_pending, TempSpool) {
    { Spool s(dir); }
    const std::string torn = dir + "/tmp/20261203-093012-123456-ABCDEF";
    fs::create_directories(torn + "/documents");
    std::ofstream(torn + "/fields.json") << "{\"trainee_na";
    BOOST_TEST(Spool(dir).pending("", 100).empty());
    BOOST_TEST(!fs::exists(torn));
}

// A submission that cannot be put in place is an error for the page to show, and leaves
// nothing behind: neither pending nor half-written.
BOOST_FIXTURE_TEST_CASE(a_failed_store_leaves_nothing, TempSpool) {
    Spool s(dir);
    fs::remove_all(dir + "/pending");
    std::ofstream(dir + "/pending") << "not a directory";
    BOOST_CHECK_THROW(s.store("{}", {{"a.txt", "text/plain", "x"}}), std::runtime_error);
    BOOST_TEST(fs::is_empty(dir + "/tmp"));
}

BOOST_FIXTURE_TEST_CASE(only_receipts_name_files, TempSpool) {
    Spool s(dir);
    for (const char* bad : {"", "..", "../pending", "20261203-093012-123456-ABCDE",
                            "20261203-093012-123456-ABCDEG", "20261203/093012-123456-ABCDEF",
                            "20261203-093012-123456-abcdef"}) {
        BOOST_TEST(!Spool::is_receipt(bad), bad);
        BOOST_TEST(!s.read(bad), bad);
        BOOST_TEST(!s.acknowledge(bad), bad);
    }
}

BOOST_AUTO_TEST_SUITE_END()
