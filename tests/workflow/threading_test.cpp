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
