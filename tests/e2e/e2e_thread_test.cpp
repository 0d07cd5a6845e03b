// End-to-end: answers and follow-ups find their submission or case (DESIGN.md flow step 5;
// FORM.md "What a submission becomes"). An answer completes an incomplete submission under the
// reference the referrer was given; a referrer's follow-up becomes an action on the case and
// the office is told; a stranger's message naming a case is held and its sender told nothing;
// replies carrying our acknowledgement never become cases; automatic replies to our mail never
// become anything; mail failing DMARC at our own mail server is held and not answered.
#include "tests/e2e/e2e_support.hpp"

using namespace casegate::e2e;

namespace {

const std::string kSupervisor = "sup51@trust.example.nhs.uk";

std::string message(const std::string& from, const std::string& id, const std::string& subject,
                    const std::string& body, const std::string& extra_headers = "") {
    return "From: " + from + "\r\nTo: referrals@casegate.test\r\nSubject: " + subject +
           "\r\nMessage-ID: <" + id + ">\r\nDate: Thu, 19 Nov 2026 09:00:00 +0000\r\n" +
           extra_headers + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
           body;
}

// A referral missing the referrer's role, the type of concern and the declaration.
const std::string kIncompleteBody =
    "Doctor's full name: Test Doctor\r\nGMC number: 7012345\r\nYour name: Sam Supervisor\r\n"
    "Route: Professional\r\nDetails of the concern: Missed three shifts.\r\n";

const std::string kCompleteBody =
    "Doctor's full name: Test Doctor\r\nGMC number: 7012345\r\nYour name: Sam Supervisor\r\n"
    "Your role: Educational Supervisor\r\nRoute: Professional\r\nType of concern: Conduct\r\n"
    "Details of the concern: Something happened.\r\nI accept the terms and conditions: yes\r\n";

struct Sent {
    std::string to, subject, message_id, body;
};

std::vector<Sent> sent() {
    std::vector<Sent> out;
    for (const std::string& raw : sent_messages()) {
        const auto p = casegate::parsers::parse_email(raw, casegate::parsers::MimeLimits{});
        BOOST_REQUIRE(p.ok);
        out.push_back({p.email.header("To"), p.email.subject, p.email.message_id, p.email.text_body});
    }
    return out;
}

std::vector<Sent> sent_with(const std::string& subject_part) {
    std::vector<Sent> out;
    for (const Sent& s : sent()) {
        if (s.subject.find(subject_part) != std::string::npos) out.push_back(s);
    }
    return out;
}

// A reply as a person's mail client writes it: In-Reply-To and References our message.
std::string reply_to(const Sent& ours, const std::string& from, const std::string& id,
                     const std::string& body) {
    return message(from, id, "Re: " + ours.subject, body,
                   "In-Reply-To: <" + ours.message_id + ">\r\nReferences: <" + ours.message_id +
                       ">\r\n");
}

std::string one_text(TestDb& db, const std::string& sql) { return db.db().exec(sql).text(0, 0); }

}  // namespace

BOOST_AUTO_TEST_SUITE(e2e)

// Defect: answering the incomplete reply exactly as it asks made a second incomplete
// submission. Now the answer completes the first: one submission, one case under its reference,
// the normal acknowledgement and office alert, no second "incomplete" email, each change noted.
BOOST_FIXTURE_TEST_CASE(answer_completes_the_submission_under_its_reference, Fresh) {
    TestDb db;
    TestConfig cfg(db);
    deliver("referrals", message(kSupervisor, "inc-1@trust.example.nhs.uk", "Referral", kIncompleteBody));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    const std::string ref = one_text(db, "SELECT reference FROM submissions");
    const auto replies = sent_with("Referral incomplete");
    BOOST_REQUIRE_EQUAL(replies.size(), 1u);
    BOOST_TEST(replies[0].message_id.rfind("cg." + ref + ".", 0) == 0u);

    deliver("referrals",
            reply_to(replies[0], kSupervisor, "ans-1@trust.example.nhs.uk",
                     "Your role: Educational Supervisor\r\nType of concern: Conduct\r\n"
                     "I accept the terms and conditions: yes\r\n\r\n> " + replies[0].subject + "\r\n"));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);

    BOOST_TEST(db.count("SELECT count(*) FROM submissions") == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 1);
    BOOST_TEST(one_text(db, "SELECT reference FROM cases") == ref);
    BOOST_TEST(one_text(db, "SELECT status FROM submissions") == "complete");
    BOOST_TEST(one_text(db, "SELECT trainee_name || '/' || concern_type FROM cases") ==
               "Test Doctor/Conduct");
    BOOST_TEST(db.count("SELECT count(*) FROM submissions WHERE notes::text LIKE"
                        " '%Type of concern: added by the answer%'") == 1);
    BOOST_TEST(sent_with("Referral incomplete").size() == 1u);
    BOOST_TEST(sent_with("Referral received [" + ref + "]").size() == 1u);
    BOOST_TEST(sent_with("New referral [" + ref + "]").size() == 1u);
}

// An incomplete submission answered twice in pieces: the first answer gives one field (a new
// reply names the two still needed), the second the rest; then one case, same reference.
BOOST_FIXTURE_TEST_CASE(incomplete_answered_twice_in_pieces, Fresh) {
    TestDb db;
    TestConfig cfg(db);
    deliver("referrals", message(kSupervisor, "inc-2@trust.example.nhs.uk", "Referral", kIncompleteBody));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    const std::string ref = one_text(db, "SELECT reference FROM submissions");
    auto replies = sent_with("Referral incomplete");
    BOOST_REQUIRE_EQUAL(replies.size(), 1u);

    deliver("referrals", reply_to(replies[0], kSupervisor, "ans-2a@trust.example.nhs.uk",
                                  "Your role: Educational Supervisor\r\n"));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 0);
    BOOST_TEST(db.count("SELECT count(*) FROM submissions") == 1);
    BOOST_TEST(db.count("SELECT jsonb_array_length(missing) FROM submissions") == 2);
    replies = sent_with("Referral incomplete");
    BOOST_REQUIRE_EQUAL(replies.size(), 2u);
    const Sent& second = replies[0].body.find("  - Your role") == std::string::npos ? replies[0] : replies[1];
    BOOST_TEST(second.body.find("  - Your role") == std::string::npos);
    BOOST_TEST(second.body.find("  - Type of concern") != std::string::npos);

    deliver("referrals", reply_to(second, kSupervisor, "ans-2b@trust.example.nhs.uk",
                                  "Type of concern: Health\r\nI accept the terms and conditions: yes\r\n"));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 1);
    BOOST_TEST(one_text(db, "SELECT reference FROM cases") == ref);
    BOOST_TEST(sent_with("Referral incomplete").size() == 2u);
    BOOST_TEST(sent_with("Referral received [" + ref + "]").size() == 1u);
}

// Defect: a referrer's follow-up was set aside as "not a referral" and nobody was told. Now it
// is an action on the case with its text, its attachment kept as a document, and the office's
// admin team (no case manager yet) is told; the referrer gets no automatic reply.
BOOST_FIXTURE_TEST_CASE(referrer_follow_up_becomes_an_action, Fresh) {
    TestDb db;
    TestConfig cfg(db);
    deliver("referrals", message(kSupervisor, "ref-3@trust.example.nhs.uk", "Referral", kCompleteBody));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    const std::string ref = one_text(db, "SELECT reference FROM cases");
    const std::size_t before = sent().size();

    // Only the subject tag: no In-Reply-To, as when the referrer writes a new email.
    deliver("referrals", message(kSupervisor, "fu-3@trust.example.nhs.uk",
                                 "Re: Referral received [" + ref + "]",
                                 "A further incident happened yesterday on the ward.\r\n"));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM case_actions WHERE kind = 'follow_up'"
                        " AND details->>'text' LIKE 'A further incident happened yesterday%'") == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items WHERE state = 'processed'"
                        " AND verdict = 'follow_up'") == 1);
    const auto told = sent_with("Follow-up received [" + ref + "]");
    BOOST_REQUIRE_EQUAL(told.size(), 1u);
    BOOST_TEST(told[0].to.find("eoe-admin@casegate.test") != std::string::npos);
    BOOST_TEST(told[0].body.find("further incident") == std::string::npos);  // details withheld
    BOOST_TEST(sent().size() == before + 1);
}

// A stranger copying the subject tag (and even our signed Message-ID) is held for review: no
// action, the admins alerted, and the stranger receives nothing at all.
BOOST_FIXTURE_TEST_CASE(stranger_with_copied_tag_is_held, Fresh) {
    TestDb db;
    TestConfig cfg(db);
    deliver("referrals", message(kSupervisor, "ref-4@trust.example.nhs.uk", "Referral", kCompleteBody));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    const std::string ref = one_text(db, "SELECT reference FROM cases");
    const Sent ack = sent_with("Referral received")[0];

    deliver("referrals", reply_to(ack, "nosy@elsewhere.example", "s-4@elsewhere.example",
                                  "Please tell me about this case.\r\n"));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items WHERE state = 'held'"
                        " AND thread_reference = '" + ref + "'") == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM case_actions WHERE kind = 'follow_up'") == 0);
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 1);
    BOOST_TEST(sent_with("Message held for review [" + ref + "]").size() == 1u);
    for (const Sent& s : sent()) BOOST_TEST(s.to.find("elsewhere.example") == std::string::npos);
}

// Replies that carry our acknowledgement unquoted — under a German or French Outlook header,
// or from a naive auto-responder without Auto-Submitted — never become a case: from the
// referrer they are follow-ups; from an address that is not the referrer's and with no tag,
// the echoed acknowledgement reads as no form at all. Three rounds make no new case and no
// new acknowledgement.
BOOST_FIXTURE_TEST_CASE(replies_carrying_the_acknowledgement_never_become_cases, Fresh) {
    TestDb db;
    TestConfig cfg(db);
    deliver("referrals", message(kSupervisor, "ref-5@trust.example.nhs.uk", "Referral", kCompleteBody));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    const Sent ack = sent_with("Referral received")[0];
    for (int round = 0; round < 3; ++round) {
        const std::string n = std::to_string(round);
        deliver("referrals", message(kSupervisor, "de-" + n + "@trust.example.nhs.uk",
                                     "AW: " + ack.subject,
                                     "Danke.\r\n\r\nVon: casegate <casegate@casegate.test>\r\n"
                                     "Gesendet: Donnerstag, 19. November 2026 09:01\r\n\r\n" +
                                         ack.body));
        deliver("referrals", message(kSupervisor, "fr-" + n + "@trust.example.nhs.uk",
                                     "RE: " + ack.subject,
                                     "Merci.\r\n-----Message d'origine-----\r\n" + ack.body));
        deliver("referrals", message("autoresponder@other.example", "auto-" + n + "@other.example",
                                     "Your message", "I received your message:\r\n\r\n" + ack.body));
        BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    }
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM submissions") == 1);
    BOOST_TEST(sent_with("Referral received").size() == 1u);
    BOOST_TEST(db.count("SELECT count(*) FROM case_actions WHERE kind = 'follow_up'") == 6);
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items WHERE state = 'set_aside'"
                        " AND from_address = 'autoresponder@other.example'") == 3);
}

// A complete referral repeating an open case (same doctor, referrer and details) is recorded on
// that case as a possible duplicate: no second case, no second acknowledgement.
BOOST_FIXTURE_TEST_CASE(repeated_referral_is_recorded_on_the_open_case, Fresh) {
    TestDb db;
    TestConfig cfg(db);
    deliver("referrals", message(kSupervisor, "ref-6a@trust.example.nhs.uk", "Referral", kCompleteBody));
    deliver("referrals", message(kSupervisor, "ref-6b@trust.example.nhs.uk", "Referral again",
                                 kCompleteBody));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM case_actions WHERE kind = 'possible_duplicate'") == 1);
    BOOST_TEST(sent_with("Referral received").size() == 1u);
    BOOST_TEST(sent_with("Possible duplicate referral").size() == 1u);
}

// A forged From (the doctor's own address) failing DMARC at our mail server is held, not
// answered and not a case; a referral passing it whose form carries planted text gets an
// acknowledgement without any of that text, the doctor's name or the GMC number.
BOOST_FIXTURE_TEST_CASE(forged_sender_gets_nothing_and_no_free_text_is_echoed, Fresh) {
    TestDb db;
    ConfigOptions opt;
    opt.authserv_id = "mx.casegate.test";
    TestConfig cfg(db, opt);
    const std::string planted = kCompleteBody + "Site: BUY CHEAP PILLS http://spam.example\r\n";
    deliver("referrals",
            message("doctor@trust.example.nhs.uk", "forged-7@trust.example.nhs.uk", "Referral",
                    planted,
                    "Authentication-Results: mx.casegate.test; spf=fail smtp.mailfrom=x.example;"
                    " dmarc=fail (p=none) header.from=trust.example.nhs.uk\r\n"));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items WHERE state = 'held'") == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 0);
    for (const Sent& s : sent()) BOOST_TEST(s.to.find("doctor@") == std::string::npos);

    // The sender's own claim of a pass under another authserv-id changes nothing; a pass here
    // is answered, without the planted text.
    deliver("referrals",
            message("sup71@trust.example.nhs.uk", "ok-7@trust.example.nhs.uk", "Referral", planted,
                    "Authentication-Results: mx.casegate.test; dmarc=pass header.from=trust.example.nhs.uk\r\n"));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    const auto acks = sent_with("Referral received");
    BOOST_REQUIRE_EQUAL(acks.size(), 1u);
    for (const char* word : {"PILLS", "spam.example", "Test Doctor", "7012345", "Something happened"}) {
        BOOST_TEST(acks[0].body.find(word) == std::string::npos, "echoes " << word);
    }
}

// An out-of-office reply to a notification is set aside: no action, nothing sent.
BOOST_FIXTURE_TEST_CASE(out_of_office_reply_to_a_notification_does_nothing, Fresh) {
    TestDb db;
    TestConfig cfg(db);
    deliver("referrals", message(kSupervisor, "ref-8@trust.example.nhs.uk", "Referral", kCompleteBody));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    const Sent ack = sent_with("Referral received")[0];
    const std::size_t before = sent().size();
    deliver("referrals",
            message(kSupervisor, "ooo-8@trust.example.nhs.uk", "Automatic reply: " + ack.subject,
                    "I am out of the office until Monday.\r\n",
                    "Auto-Submitted: auto-replied\r\nIn-Reply-To: <" + ack.message_id + ">\r\n"));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(db.count("SELECT count(*) FROM case_actions WHERE kind = 'follow_up'") == 0);
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items WHERE state = 'set_aside'") == 1);
    BOOST_TEST(sent().size() == before);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(e2e)

// A bounce of one of our notifications marks that outbox row's delivery failed, and is never
// an action nor answered.
BOOST_FIXTURE_TEST_CASE(bounce_of_a_notification_marks_it_failed, Fresh) {
    TestDb db;
    TestConfig cfg(db);
    deliver("referrals", message(kSupervisor, "ref-9@trust.example.nhs.uk", "Referral", kCompleteBody));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    const Sent ack = sent_with("Referral received")[0];
    const std::size_t before = sent().size();
    const std::string dsn =
        "Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.trust.example.nhs.uk\r\n"
        "To: casegate@casegate.test\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <dsn-9@mx.trust.example.nhs.uk>\r\nDate: Thu, 19 Nov 2026 09:05:00 +0000\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status;"
        " boundary=\"b9\"\r\n\r\n--b9\r\nContent-Type: text/plain\r\n\r\nUser unknown\r\n"
        "--b9\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n"
        "Final-Recipient: rfc822; " + kSupervisor + "\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "--b9\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <" + ack.message_id +
        ">\r\nSubject: " + ack.subject + "\r\n\r\n--b9--\r\n";
    deliver("referrals", dsn);
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(db.count("SELECT count(*) FROM outbox WHERE kind = 'acknowledgement'"
                        " AND state = 'failed' AND last_error LIKE 'bounced: %'") == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM outbox WHERE kind = 'office_alert'"
                        " AND state = 'sent'") == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM case_actions WHERE kind = 'follow_up'") == 0);
    BOOST_TEST(sent().size() == before);
}

BOOST_AUTO_TEST_SUITE_END()
