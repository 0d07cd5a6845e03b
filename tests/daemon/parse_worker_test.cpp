// The sandboxed parse: results cross the pipe intact, and hostile input ends as a reason.
#include <boost/test/unit_test.hpp>

#include "daemon/item_codec.hpp"
#include "daemon/parse_worker.hpp"

using namespace casegate::daemon;

namespace {
const char* kReferral =
    "From: A Supervisor <a.sup@x.nhs.uk>\r\nSubject: referral\r\nMessage-ID: <m1@x.nhs.uk>\r\n"
    "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
    "Doctor's full name: Ann Other\r\nGMC number: 1234567\r\nYour name: A Supervisor\r\n"
    "Your role: Clinical Supervisor\r\nRoute: Personal\r\nType of concern: Health\r\n"
    "Details of the concern: text\r\nI accept the terms and conditions: yes\r\n"
    "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"n.bin\"\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\nAAECAwQ=\r\n--b--\r\n";
}

BOOST_AUTO_TEST_SUITE(parse_worker)

// The child's evaluation and attachment bytes reach the parent unchanged.
BOOST_AUTO_TEST_CASE(sandboxed_result_matches_in_process) {
    const Limits limits;
    const ParsedItem local = parse_in_process(kReferral, ItemKind::email, limits, "2026-11-21");
    const ParsedItem child = parse_sandboxed(kReferral, ItemKind::email, limits, "2026-11-21");
    BOOST_REQUIRE(child.status == ParseStatus::ok);
    BOOST_TEST((child.evaluation.verdict == casegate::forms::Verdict::complete));
    BOOST_TEST(child.evaluation.referral.text("gmc_number") == "1234567");
    BOOST_TEST(child.evaluation.message_id == "m1@x.nhs.uk");
    BOOST_REQUIRE_EQUAL(child.attachments.size(), 1u);
    BOOST_TEST(child.attachments[0].data == std::string("\0\1\2\3\4", 5));
    BOOST_TEST(local.evaluation.referral.fields.size() == child.evaluation.referral.fields.size());
}

// A MIME nesting bomb is refused by the parser's depth limit, naming the limit.
BOOST_AUTO_TEST_CASE(depth_bomb_is_unreadable_with_reason) {
    std::string raw = "From: x@y\r\n";
    for (int i = 0; i < 5000; ++i) {
        raw += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\r\n\r\n--b" + std::to_string(i) + "\r\n";
    }
    const ParsedItem p = parse_sandboxed(raw, ItemKind::email, Limits{}, "2026-11-21");
    BOOST_TEST((p.status == ParseStatus::unreadable || p.status == ParseStatus::failed));
    BOOST_TEST(p.reason.find("max_depth") != std::string::npos, "reason: " << p.reason);
}

// A worker that runs out of its address space is reported as failed, not fatal to the caller.
BOOST_AUTO_TEST_CASE(memory_limit_is_contained) {
    Limits tight;
    tight.parse_memory_mb = 64;
    tight.max_message_bytes = 200 * 1024 * 1024;
    const std::string big(100 * 1024 * 1024, 'a');
    const ParsedItem p = parse_sandboxed("Subject: x\r\n\r\n" + big, ItemKind::email, tight, "2026-11-21");
    BOOST_TEST((p.status != ParseStatus::ok), "status " << static_cast<int>(p.status));
    BOOST_TEST(p.reason.find("bad_alloc") != std::string::npos, "reason: " << p.reason);
}

// A malformed or truncated reply from a worker is a failure with a reason.
BOOST_AUTO_TEST_CASE(malformed_reply_is_a_failure) {
    ParsedItem ok;
    ok.status = ParseStatus::ok;
    std::string bytes = encode_item(ok);
    ParsedItem back;
    BOOST_TEST(decode_item(bytes, back));
    BOOST_TEST(!decode_item(bytes.substr(0, bytes.size() - 1), back));
    BOOST_TEST((back.status == ParseStatus::failed));
    BOOST_TEST(back.reason.find("malformed") != std::string::npos);
    BOOST_TEST(!decode_item(std::string(8, '\xff'), back));
}

BOOST_AUTO_TEST_SUITE_END()
