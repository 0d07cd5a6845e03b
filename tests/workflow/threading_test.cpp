// Tests of workflow/threading.cpp: signed Message-IDs, subject tags, and who may add to a case.
#include <boost/test/unit_test.hpp>

#include "workflow/threading.hpp"

namespace wf = casegate::workflow;

BOOST_AUTO_TEST_SUITE(threading)

// A signed id names its reference under the key it was made with, and under no other; any
// change to its reference, nonce or signature makes it nobody's.
BOOST_AUTO_TEST_CASE(signed_message_id_round_trip) {
    const std::string id = wf::signed_message_id("CG-2026-000002", "casegate.test", "k1");
    BOOST_TEST(id.starts_with("cg.CG-2026-000002."));
    BOOST_TEST(id.ends_with("@casegate.test"));
    BOOST_TEST(wf::signed_reference(id, "k1").value_or("") == "CG-2026-000002");
    BOOST_TEST(!wf::signed_reference(id, "k2"));
    BOOST_TEST(!wf::signed_reference(id, ""));
    std::string other = id;
    other.replace(other.find("000002"), 6, "000003");
    BOOST_TEST(!wf::signed_reference(other, "k1"));
    std::string flipped = id;
    char& last = flipped[flipped.find('@') - 1];
    last = last == '0' ? '1' : '0';
    BOOST_TEST(!wf::signed_reference(flipped, "k1"));
    BOOST_TEST(wf::signed_message_id("CG-2026-000002", "casegate.test", "k1") != id);
    BOOST_CHECK_THROW(wf::signed_message_id("CG-2026-000002", "x", ""), std::invalid_argument);
    BOOST_CHECK_THROW(wf::signed_message_id("2026-2", "x", "k1"), std::invalid_argument);
    BOOST_TEST(!wf::signed_reference("cg.CG-2026-000002@x", "k1"));
    BOOST_TEST(!wf::signed_reference("ref-1@trust.example.nhs.uk", "k1"));
}

BOOST_AUTO_TEST_CASE(references_and_subject_tags) {
    BOOST_TEST(wf::is_reference("CG-2026-000001"));
    BOOST_TEST(wf::is_reference("CG-2026-1000000"));
    BOOST_TEST(!wf::is_reference("CG-2026-00001"));
    BOOST_TEST(!wf::is_reference("CG-26-000001"));
    BOOST_TEST(!wf::is_reference("CG-2026-00000x"));
    BOOST_TEST(wf::subject_reference("Re: Referral received [CG-2026-000001]").value_or("") ==
               "CG-2026-000001");
    BOOST_TEST(wf::subject_reference("AW: [CG-x] und [CG-2026-000042] Antwort").value_or("") ==
               "CG-2026-000042");
    BOOST_TEST(!wf::subject_reference("Referral CG-2026-000001"));
    BOOST_TEST(!wf::subject_reference("[CG-2026-000001"));
}

// The signed id wins over the subject; In-Reply-To over References; the newest reference first.
BOOST_AUTO_TEST_CASE(thread_hint_order) {
    const std::string a = wf::signed_message_id("CG-2026-000001", "d", "k");
    const std::string b = wf::signed_message_id("CG-2026-000002", "d", "k");
    auto h = wf::thread_hint(a, {b}, "Re: [CG-2026-000009]", "k");
    BOOST_REQUIRE(h);
    BOOST_TEST(h->reference == "CG-2026-000001");
    BOOST_TEST(h->signed_id);
    h = wf::thread_hint("x@y", {a, b}, "Re: [CG-2026-000009]", "k");
    BOOST_REQUIRE(h);
    BOOST_TEST(h->reference == "CG-2026-000002");
    h = wf::thread_hint("x@y", {a}, "Re: [CG-2026-000009]", "other key");
    BOOST_REQUIRE(h);
    BOOST_TEST(h->reference == "CG-2026-000009");
    BOOST_TEST(!h->signed_id);
    BOOST_TEST(!wf::thread_hint("", {}, "Referral", "k"));
}

BOOST_AUTO_TEST_CASE(who_may_add_to_a_case) {
    const wf::CaseParties p{{"Sam@Trust.example", ""}, "casey@office.example", {"alex@office.example"}};
    BOOST_TEST((wf::sender_role("sam@trust.EXAMPLE", p) == wf::SenderRole::referrer));
    BOOST_TEST((wf::sender_role("CASEY@office.example", p) == wf::SenderRole::case_manager));
    BOOST_TEST((wf::sender_role("alex@office.example", p) == wf::SenderRole::staff));
    BOOST_TEST((wf::sender_role("doctor@trust.example", p) == wf::SenderRole::stranger));
    BOOST_TEST((wf::sender_role("", p) == wf::SenderRole::stranger));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(reply_tokens)

// A reply tag is valid for its recipient until its expiry day, and for nobody else; a changed
// reference, day or signature is forged.
BOOST_AUTO_TEST_CASE(reply_tag_checks) {
    const std::string tag = wf::reply_tag("CG-2026-000001", "Casey@Office.example", 20500, "k");
    BOOST_TEST(wf::tagged_address("casegate@casegate.test", tag) ==
               "casegate+" + tag + "@casegate.test");
    std::string ref;
    BOOST_TEST((wf::check_reply_tag(tag, "casey@office.example", 20500, "k", ref) ==
                wf::TokenCheck::valid));
    BOOST_TEST(ref == "CG-2026-000001");
    BOOST_TEST((wf::check_reply_tag(tag, "casey@office.example", 20501, "k", ref) ==
                wf::TokenCheck::expired));
    BOOST_TEST((wf::check_reply_tag(tag, "alex@office.example", 20500, "k", ref) ==
                wf::TokenCheck::forged));
    BOOST_TEST((wf::check_reply_tag(tag, "casey@office.example", 20500, "k2", ref) ==
                wf::TokenCheck::forged));
    std::string later = tag;
    later.replace(later.find("20500"), 5, "29999");
    BOOST_TEST((wf::check_reply_tag(later, "casey@office.example", 20500, "k", ref) ==
                wf::TokenCheck::forged));
    BOOST_TEST((wf::check_reply_tag("newsletter", "casey@office.example", 20500, "k", ref) ==
                wf::TokenCheck::not_a_token));
    BOOST_TEST(wf::epoch_day(86400 * 3 + 5) == 3);
}

BOOST_AUTO_TEST_CASE(email_commands) {
    std::string error;
    auto c = wf::parse_email_command("\n  Accept \nthanks", error);
    BOOST_REQUIRE(c);
    BOOST_TEST(c->word == "accept");
    BOOST_TEST(c->detail.empty());
    c = wf::parse_email_command("return Not for this office\n", error);
    BOOST_REQUIRE(c);
    BOOST_TEST(c->detail == "Not for this office");
    c = wf::parse_email_command("note Spoke to the TPD.\nMeeting next week.", error);
    BOOST_REQUIRE(c);
    BOOST_TEST(c->detail == "Spoke to the TPD.\nMeeting next week.");
    BOOST_TEST(!wf::parse_email_command("close", error));
    BOOST_TEST(error == "close needs the outcome");
    BOOST_TEST(!wf::parse_email_command("Thanks, will do", error));
    BOOST_TEST(error.find("is not a command") != std::string::npos);
    BOOST_TEST(!wf::parse_email_command("\n\n", error));
}

BOOST_AUTO_TEST_SUITE_END()
