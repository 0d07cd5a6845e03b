// End-to-end: who casegate answers. A sender's address that is not an address gets nothing
// and costs nobody else their email; mail from casegate's own address is never a case.
#include "tests/e2e/e2e_support.hpp"

using namespace casegate::e2e;

namespace {

const std::string kHostile =
    "=?utf-8?q?victim3=40evil.example=0D=0ABcc=3A_x=40y.example?=@attacker.example";

// A complete referral from `from` (a whole From header value), with `extra` body lines.
std::string referral_from(const std::string& from, const std::string& id,
                          const std::string& extra = "") {
    return "From: " + from + "\r\nTo: referrals@casegate.test\r\nSubject: Referral\r\n"
           "Message-ID: <" + id + ">\r\nDate: Thu, 19 Nov 2026 09:00:00 +0000\r\n"
           "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
           "Doctor's full name: Test Doctor\r\nGMC number: 7012345\r\n"
           "Your name: Sam Supervisor\r\nYour role: Educational Supervisor\r\n"
           "Route: Professional\r\nType of concern: Conduct\r\n"
           "Details of the concern: Something happened.\r\n"
           "I accept the terms and conditions: yes\r\n" + extra;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(e2e)

// A From address holding an encoded word (it decodes to CR LF and a Bcc header) is not an
// address: a referral that gives a proper email in the form becomes a case and its office is
// alerted, but the hostile sender gets no acknowledgement; one that gives none is incomplete
// with the referrer's email named invalid, and gets no reply. Other referrals in the same run
// get both their emails.
BOOST_FIXTURE_TEST_CASE(encoded_word_sender_gets_no_email_and_costs_no_one_theirs, Fresh) {
    TestDb db;
    TestConfig cfg(db);
    deliver("referrals", referral_from("<" + kHostile + ">", "hostile-1@attacker.example",
                                       "Your email: sam.supervisor@trust.example.nhs.uk\r\n"));
    deliver("referrals", referral_from("<" + kHostile + ">", "hostile-2@attacker.example"));
    deliver("referrals", referral(41));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);

    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 2);
    BOOST_TEST(db.count("SELECT count(*) FROM submissions WHERE status = 'incomplete'"
                        " AND errors::text LIKE '%referrer_email%'") == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM outbox WHERE array_to_string(recipients, ',')"
                        " LIKE '%attacker%'") == 0);
    BOOST_TEST(db.count("SELECT count(*) FROM outbox WHERE state <> 'sent'") == 0,
               db.db().exec("SELECT coalesce(string_agg(kind || ' ' || state || ' ' ||"
                            " coalesce(last_error, ''), '; '), '') FROM outbox").text(0, 0));
    const auto sent = sent_messages();
    BOOST_TEST(sent.size() == 3u);  // the hostile case's alert; the other referral's two
    int alerts = 0;
    for (const auto& m : sent) {
        BOOST_TEST(m.find("attacker.example") == std::string::npos);
        alerts += has_header(m, "eoe-admin@casegate.test") ? 1 : 0;
    }
    BOOST_TEST(alerts == 2);
}

// Mail from casegate's own address, whatever the case of its letters, is set aside and never
// answered (it would otherwise become a case and write to casegate itself).
BOOST_FIXTURE_TEST_CASE(mail_from_own_address_in_another_case_is_set_aside, Fresh) {
    TestDb db;
    TestConfig cfg(db);  // [smtp] from = "casegate@casegate.test"
    deliver("referrals", referral_from("CaseGate <CaseGate@CaseGate.Test>", "own-1@casegate.test"));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items WHERE state = 'set_aside'"
                        " AND reason = 'message from casegate''s own address'") == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 0);
    BOOST_TEST(db.count("SELECT count(*) FROM outbox") == 0);
    BOOST_TEST(sent_messages().empty());
}

BOOST_AUTO_TEST_SUITE_END()
