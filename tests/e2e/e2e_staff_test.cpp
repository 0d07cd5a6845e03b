// End-to-end: staff act on a case by replying to its notifications (seed 001 CM-3). Each staff
// notification carries a reply address with a token for its recipient; a command on the first
// line of the reply is carried out as that member of staff, with the command line's rules, and
// they are told the outcome. A token used by someone else, or expired, changes nothing.
#include <thread>

#include "tests/e2e/e2e_support.hpp"
#include "tests/support/tools.hpp"
#include "workflow/threading.hpp"

using namespace casegate::e2e;

namespace {


// Staff belong to the second office of the test configuration, East Midlands.
const std::string kReferral =
    "From: sup81@trust.example.nhs.uk\r\nTo: referrals@casegate.test\r\nSubject: Referral\r\n"
    "Message-ID: <ref-81@trust.example.nhs.uk>\r\nDate: Thu, 19 Nov 2026 09:00:00 +0000\r\n"
    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    "Doctor's full name: Test Doctor\r\nGMC number: 7012345\r\nYour name: Sam Supervisor\r\n"
    "Your role: Educational Supervisor\r\nLocal office: East Midlands\r\nRoute: Professional\r\n"
    "Type of concern: Conduct\r\nDetails of the concern: Something happened.\r\n"
    "I accept the terms and conditions: yes\r\n";

struct Mail {
    std::string to, reply_to, subject, message_id, body;
};

std::vector<Mail> mails() {
    std::vector<Mail> out;
    for (const std::string& raw : sent_messages()) {
        const auto p = casegate::parsers::parse_email(raw, casegate::parsers::MimeLimits{});
        BOOST_REQUIRE(p.ok);
        std::string reply_to = p.email.header("Reply-To");
        if (const auto lt = reply_to.find('<'); lt != std::string::npos) {
            reply_to = reply_to.substr(lt + 1, reply_to.find('>') - lt - 1);
        }
        out.push_back({p.email.header("To"), reply_to, p.email.subject, p.email.message_id,
                       p.email.text_body});
    }
    return out;
}

// The last email to `to` whose subject holds `subject`.
Mail last_to(const std::string& to, const std::string& subject) {
    std::optional<Mail> found;
    for (const Mail& m : mails()) {
        if (m.to.find(to) != std::string::npos && m.subject.find(subject) != std::string::npos)
            found = m;
    }
    BOOST_REQUIRE_MESSAGE(found, "no email to " << to << " about " << subject);
    return *found;
}

int count_to(const std::string& to, const std::string& subject) {
    int n = 0;
    for (const Mail& m : mails()) {
        n += m.to.find(to) != std::string::npos && m.subject.find(subject) != std::string::npos;
    }
    return n;
}

std::string reply(const Mail& ours, const std::string& from, const std::string& id,
                  const std::string& to, const std::string& first_line) {
    return "From: " + from + "\r\nTo: " + to + "\r\nSubject: Re: " + ours.subject +
           "\r\nMessage-ID: <" + id + ">\r\nIn-Reply-To: <" + ours.message_id +
           ">\r\nDate: Thu, 19 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n\r\n" + first_line +
           "\r\n\r\nAlex\r\n\r\n> " + ours.subject + "\r\n";
}

struct Ran {
    int status;
    std::string out;
};

// Runs a casegate command (output and errors together).
Ran run_capture(const std::vector<std::string>& args, const std::string& dir) {
    std::string command;
    for (const std::string& a : args) command += casegate::test_tools::quoted(a) + " ";
    const std::string file = dir + "/command.out";
    const int status = casegate::test_tools::run(command, file);
    return {status, read_file(file)};
}

std::string status_of(TestDb& db) {
    return db.db().exec("SELECT status FROM cases").text(0, 0);
}

ConfigOptions with_staff() {
    ConfigOptions opt;
    opt.extra = kEastMidlandsStaff;
    return opt;
}

// A configuration with the office's staff, and one referral made a case by one run.
struct OneCase : Fresh {
    TestDb db;
    TestConfig cfg{db, with_staff()};
    std::string ref;

    OneCase() {
        deliver("referrals", kReferral);
        BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
        ref = db.db().exec("SELECT reference FROM cases").text(0, 0);
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(e2e)

// From the new-referral alert to closure, by email replies alone: the admin accepts (the
// referrer is told) and assigns the case manager (who gets the case with her own reply
// address); she puts it under review and closes it. Each outcome comes back to whoever acted.
BOOST_FIXTURE_TEST_CASE(staff_run_a_case_by_replying, OneCase) {
    const Mail alert = last_to("alex.admin@casegate.test", "New referral [" + ref + "]");
    BOOST_TEST(alert.reply_to.rfind("casegate+" + ref + ".", 0) == 0u);
    BOOST_TEST(count_to("em-admin@casegate.test", "New referral") == 1);
    BOOST_TEST(last_to("em-admin@casegate.test", "New referral").reply_to.empty());

    deliver("referrals", reply(alert, "Alex Admin <alex.admin@casegate.test>", "c1@casegate.test",
                               alert.reply_to, "accept"));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(status_of(db) == "accepted");
    BOOST_TEST(count_to("sup81@trust.example.nhs.uk", "[" + ref + "]") == 2);  // ack, accepted
    Mail done = last_to("alex.admin@casegate.test", "Done: [" + ref + "]");
    BOOST_TEST(done.body.find("accepted") != std::string::npos);

    deliver("referrals", reply(done, "alex.admin@casegate.test", "c2@casegate.test", done.reply_to,
                               "assign casey@casegate.test"));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(db.db().exec("SELECT case_manager FROM cases").text(0, 0) == "casey@casegate.test");
    const Mail assigned = last_to("casey@casegate.test", "[" + ref + "]");
    BOOST_TEST(!assigned.reply_to.empty());
    BOOST_TEST(assigned.reply_to != alert.reply_to);

    deliver("referrals", reply(assigned, "casey@casegate.test", "c3@casegate.test",
                               assigned.reply_to, "review"));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(status_of(db) == "under_review");
    const Mail reviewed = last_to("casey@casegate.test", "Done: [" + ref + "]");
    deliver("referrals", reply(reviewed, "casey@casegate.test", "c4@casegate.test",
                               reviewed.reply_to, "close Support completed"));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(status_of(db) == "closed");
    BOOST_TEST(db.count("SELECT count(*) FROM audit_log WHERE actor = 'casey@casegate.test'"
                        " AND action = 'case.close'") == 1);
}

// Alex's reply address used by someone else, an expired one, and a refused command: nothing
// changes; the expired and refused ones are explained to the member of staff, the stolen one
// is held for review and its sender told nothing.
BOOST_FIXTURE_TEST_CASE(forged_expired_and_refused_commands_change_nothing, OneCase) {
    const Mail alert = last_to("alex.admin@casegate.test", "New referral [" + ref + "]");

    deliver("referrals", reply(alert, "casey@casegate.test", "f1@casegate.test", alert.reply_to,
                               "accept"));
    const std::string expired = casegate::workflow::tagged_address(
        "casegate@casegate.test",
        casegate::workflow::reply_tag(ref, "alex.admin@casegate.test", 20000, kTestThreadKey));
    deliver("referrals", reply(alert, "alex.admin@casegate.test", "f2@casegate.test", expired,
                               "accept"));
    deliver("referrals", reply(alert, "alex.admin@casegate.test", "f3@casegate.test",
                               alert.reply_to, "close Nothing to do"));
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(status_of(db) == "submitted");
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items WHERE state = 'held'") == 1);
    BOOST_TEST(count_to("casey@casegate.test", "") == 0);
    BOOST_TEST(count_to("alex.admin@casegate.test", "Not done: [" + ref + "]") == 2);
    int expired_told = 0;
    int refused_told = 0;
    for (const Mail& m : mails()) {
        if (m.subject.find("Not done") == std::string::npos) continue;
        expired_told += m.body.find("has expired") != std::string::npos;
        refused_told += m.body.find("allowed") != std::string::npos;
    }
    BOOST_TEST(expired_told == 1);
    BOOST_TEST(refused_told == 1);
}

// A change written straight into PostgreSQL by another system reaches the running daemon (the
// trigger's NOTIFY wakes it) and is told as the workflow says: the referrer hears the referral
// was accepted, the case records who changed it.
BOOST_FIXTURE_TEST_CASE(database_change_is_told_by_the_running_daemon, OneCase) {
    Process daemon({casegate_binary(), "run", "--config", cfg.path()});
    std::this_thread::sleep_for(std::chrono::seconds(1));  // running (the event waits if not)
    db.db().exec("UPDATE cases SET status = 'accepted'");
    BOOST_TEST(eventually(
        [&] { return count_to("sup81@trust.example.nhs.uk", "Referral accepted [" + ref + "]") == 1; },
        std::chrono::seconds(20)));
    BOOST_TEST(db.count("SELECT count(*) FROM case_actions WHERE kind = 'database_change'") == 1);
    stop_with_sigterm(daemon);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(e2e)

// A stranger's message naming a case is held; an admin lists it, attaches it to the case (it
// becomes a follow-up at the next turn, the case manager or admins told) and dismisses another.
BOOST_FIXTURE_TEST_CASE(held_mail_is_listed_attached_and_dismissed, OneCase) {
    for (const char* who : {"ward.sister@trust.example.nhs.uk", "nosy@elsewhere.example"}) {
        deliver("referrals", "From: " + std::string(who) + "\r\nTo: referrals@casegate.test\r\n"
                             "Subject: About [" + ref + "]\r\nMessage-ID: <" + who + ".h>\r\n"
                             "Date: Thu, 19 Nov 2026 11:00:00 +0000\r\n\r\nI saw it happen too.\r\n");
    }
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_REQUIRE_EQUAL(db.count("SELECT count(*) FROM inbound_items WHERE state = 'held'"), 2);
    const std::string casegate = casegate_binary();
    const std::string dir = cfg.dir();
    const auto list = run_capture({casegate, "review", "list", "--json", "--as",
                                   "alex.admin@casegate.test", "--config", cfg.path()}, dir);
    BOOST_TEST(list.status == 0);
    BOOST_TEST(list.out.find("ward.sister@trust.example.nhs.uk") != std::string::npos);
    BOOST_TEST(run_capture({casegate, "review", "list", "--as", "casey@casegate.test", "--config",
                            cfg.path()}, dir).status == 1);  // not an admin

    const std::string ward = std::to_string(db.count(
        "SELECT id FROM inbound_items WHERE from_address = 'ward.sister@trust.example.nhs.uk'"));
    const std::string nosy = std::to_string(
        db.count("SELECT id FROM inbound_items WHERE from_address = 'nosy@elsewhere.example'"));
    BOOST_TEST(run_capture({casegate, "review", "attach", ward, ref, "--as",
                            "alex.admin@casegate.test", "--config", cfg.path()}, dir).status == 0);
    BOOST_TEST(run_capture({casegate, "review", "dismiss", nosy, "--reason", "not about care",
                            "--as", "alex.admin@casegate.test", "--config", cfg.path()}, dir)
                   .status == 0);
    BOOST_REQUIRE_EQUAL(run_once(cfg), 0);
    BOOST_TEST(db.count("SELECT count(*) FROM case_actions WHERE kind = 'follow_up'"
                        " AND details->>'text' LIKE 'I saw it happen too.%'") == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM inbound_items WHERE state = 'set_aside'"
                        " AND reason LIKE 'dismissed by alex.admin@casegate.test: not about care'") == 1);
    BOOST_TEST(db.count("SELECT count(*) FROM audit_log WHERE action IN"
                        " ('review.attach', 'review.dismiss')") == 2);
    BOOST_TEST(count_to("elsewhere.example", "") == 0);
    BOOST_TEST(count_to("ward.sister", "") == 0);
}

BOOST_AUTO_TEST_SUITE_END()
