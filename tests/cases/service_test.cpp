// The case service against the real PostgreSQL: the status path, the rules' refusals, what
// each role may see, the case actions, audit entries and outbox rows each change writes.
#include <boost/test/unit_test.hpp>

#include "cases/digest.hpp"
#include "cases/purge.hpp"
#include "tests/cases/fixture.hpp"

using namespace casegate;
using namespace casegate::cases_test;
using workflow::Change;
using Strings = std::vector<std::string>;

namespace {

const Notice* find_kind(const std::vector<Notice>& ns, const std::string& kind) {
    for (const Notice& n : ns) {
        if (n.kind == kind) return &n;
    }
    return nullptr;
}

std::set<std::string> kinds(const std::vector<Notice>& ns) {
    std::set<std::string> out;
    for (const Notice& n : ns) out.insert(n.kind);
    return out;
}

std::set<std::string> everyone(const std::vector<Notice>& ns) {
    std::set<std::string> out;
    for (const Notice& n : ns) out.insert(n.to.begin(), n.to.end());
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cases_service)

// submitted → accepted → assigned → under_review → closed → archived → reopened, each change
// one case action and one audit entry, the row's columns following.
BOOST_FIXTURE_TEST_CASE(full_path_from_submitted_to_reopened, Fixture) {
    const std::string ref = open();
    BOOST_TEST(apply(kAda, ref, Change::accept).done);
    BOOST_TEST(status(ref) == "accepted");
    const cases::Outcome assigned = apply("ADA.ADMIN@casegate.test", ref, Change::assign, kCal);
    BOOST_TEST(assigned.done);
    BOOST_TEST(assigned.summary == ref + " case manager assigned: Cal Manager");
    BOOST_TEST(apply(kCal, ref, Change::review).done);
    BOOST_TEST(status(ref) == "under_review");
    BOOST_TEST(apply(kCal, ref, Change::note, "Spoke to the supervisor.").done);
    const cases::Outcome closed = apply(kCal, ref, Change::close, "Support plan completed");
    BOOST_TEST(closed.done);
    BOOST_TEST(closed.summary == ref + " closed (under_review -> closed)");
    BOOST_TEST(count("SELECT count(*) FROM cases WHERE closed_at IS NOT NULL AND outcome = "
                     "'Support plan completed'") == 1);
    BOOST_TEST(apply(kAda, ref, Change::archive).done);
    BOOST_TEST(status(ref) == "archived");
    BOOST_TEST(count("SELECT count(*) FROM cases WHERE archived") == 1);
    const cases::Outcome reopened = apply(kAda, ref, Change::reopen);
    BOOST_TEST(reopened.done);
    BOOST_TEST(workflow::to_string(reopened.after) == "under_review");
    BOOST_TEST(status(ref) == "under_review");
    BOOST_TEST(count("SELECT count(*) FROM cases WHERE archived OR closed_at IS NOT NULL") == 0);

    const storage::Result actions = db().exec(
        "SELECT string_agg(kind || ':' || actor, ',' ORDER BY id) FROM case_actions");
    BOOST_TEST(actions.text(0, 0) ==
               "created:casegate,accept:Ada.Admin@casegate.test,assign:Ada.Admin@casegate.test,"
               "review:cal.manager@casegate.test,note:cal.manager@casegate.test,"
               "close:cal.manager@casegate.test,archive:Ada.Admin@casegate.test,"
               "reopen:Ada.Admin@casegate.test");
    BOOST_TEST(count("SELECT count(*) FROM case_actions WHERE kind = 'note'"
                     " AND details->>'text' = 'Spoke to the supervisor.'") == 1);
    BOOST_TEST(count("SELECT count(*) FROM case_actions WHERE kind = 'assign'"
                     " AND details->>'case_manager' = 'cal.manager@casegate.test'") == 1);
    BOOST_TEST(count("SELECT count(*) FROM audit_log WHERE action LIKE 'case.%'"
                     " AND details->>'outcome' = 'done'") == 7);
}

// Who each change tells: the referrer of accept, return, assign and meeting; the case manager
// and the office's mailbox of every change but their own; never the actor.
BOOST_FIXTURE_TEST_CASE(outbox_rows_and_recipients, Fixture) {
    const std::string ref = open();
    apply(kAda, ref, Change::accept);
    std::vector<Notice> ns = notices(ref);
    BOOST_TEST(kinds(ns) == (std::set<std::string>{"referral_accepted", "case_changed"}));
    BOOST_TEST(find_kind(ns, "referral_accepted")->to == Strings{kReferrer});
    BOOST_TEST(find_kind(ns, "referral_accepted")->message.find("[" + ref + "]") !=
               std::string::npos);
    BOOST_TEST(find_kind(ns, "case_changed")->to == Strings{kEoeMailbox});

    std::int64_t mark = last_outbox_id();
    apply(kAda, ref, Change::assign, "CAL.manager@casegate.test");
    ns = notices(ref, mark);
    BOOST_TEST(kinds(ns) ==
               (std::set<std::string>{"case_manager_named", "case_assigned", "case_changed"}));
    const Notice* named = find_kind(ns, "case_manager_named");
    BOOST_TEST(named->to == Strings{kReferrer});
    BOOST_TEST(named->message.find("Cal Manager") != std::string::npos);
    BOOST_TEST(named->message.find(kCal) == std::string::npos);  // the name only
    BOOST_TEST(find_kind(ns, "case_assigned")->to == Strings{kCal});
    BOOST_TEST(find_kind(ns, "case_changed")->to == Strings{kEoeMailbox});

    // The case manager's own change: the mailbox is told, the case manager is not.
    mark = last_outbox_id();
    apply(kCal, ref, Change::review);
    ns = notices(ref, mark);
    BOOST_TEST(ns.size() == 1U);
    BOOST_TEST(ns[0].kind == "case_changed");
    BOOST_TEST(ns[0].to == Strings{kEoeMailbox});

    // An admin's note: the case manager and the mailbox, not the referrer, and not the note's
    // text (details stay out of email unless include_details_in_alert).
    mark = last_outbox_id();
    apply(kAda, ref, Change::note, "Zebracorn confidential remark");
    ns = notices(ref, mark);
    BOOST_TEST(ns.size() == 1U);
    BOOST_TEST(ns[0].to == (Strings{kCal, kEoeMailbox}));
    BOOST_TEST(ns[0].message.find("Zebracorn") == std::string::npos);
    BOOST_TEST(ns[0].message.find("note added") != std::string::npos);

    // A meeting: the referrer hears that it happened, not when.
    mark = last_outbox_id();
    apply(kCal, ref, Change::meeting, "2031-07-14");
    ns = notices(ref, mark);
    BOOST_TEST(find_kind(ns, "meeting_arranged")->to == Strings{kReferrer});
    BOOST_TEST(find_kind(ns, "meeting_arranged")->message.find("2031") == std::string::npos);
    BOOST_TEST(find_kind(ns, "case_changed")->to == Strings{kEoeMailbox});

    // Nothing ever went to the actor of a change.
    for (const Notice& n : notices(ref)) {
        if (n.kind == "case_changed" || n.kind == "case_assigned") {
            BOOST_TEST((std::find(n.to.begin(), n.to.end(), kAda) == n.to.end()));
        }
    }
    BOOST_TEST(everyone(notices(ref)) ==
               (std::set<std::string>{kReferrer, kCal, kEoeMailbox}));
}

// A returned referral: the referrer is told with the reason. A self-referral is told as the
// referrer; the doctor is otherwise never a recipient (casegate holds no address for them).
BOOST_FIXTURE_TEST_CASE(return_tells_the_referrer_the_reason, Fixture) {
    const std::string ref = open();
    const cases::Outcome o = apply(kAda, ref, Change::return_, "Please use the Funding route");
    BOOST_TEST(o.done);
    BOOST_TEST(status(ref) == "returned");
    const std::vector<Notice> ns = notices(ref);
    const Notice* returned = find_kind(ns, "referral_returned");
    BOOST_REQUIRE(returned);
    BOOST_TEST(returned->to == Strings{kReferrer});
    BOOST_TEST(returned->message.find("Please use the Funding route") != std::string::npos);
    BOOST_TEST(returned->message.find("Private clinical details") == std::string::npos);

    NewCase self;
    self.referrer_name = "Dana Doctor";
    self.referrer_email = "dana.doctor@hospital.test";
    const std::string own = open(self);
    apply(kAda, own, Change::accept);
    BOOST_TEST(find_kind(notices(own), "referral_accepted")->to ==
               Strings{"dana.doctor@hospital.test"});
}

// An invalid transition is refused with the rule's reason naming what is allowed; nothing is
// written but the refusal's audit entry.
BOOST_FIXTURE_TEST_CASE(invalid_transition_names_allowed_changes, Fixture) {
    const std::string ref = open();
    const cases::Outcome o = apply(kAda, ref, Change::close, "Done");
    BOOST_TEST(!o.done);
    BOOST_TEST(o.refusal == "the case is submitted; allowed now: accept, return");
    BOOST_TEST(o.rule == "close only a case that is under_review");
    BOOST_TEST(status(ref) == "submitted");
    BOOST_TEST(count("SELECT count(*) FROM case_actions WHERE kind <> 'created'") == 0);
    BOOST_TEST(count("SELECT count(*) FROM outbox") == 0);
    BOOST_TEST(count("SELECT count(*) FROM audit_log WHERE action = 'case.close'"
                     " AND details->>'outcome' = 'refused'") == 1);

    apply(kAda, ref, Change::accept);
    const cases::Outcome again = apply(kAda, ref, Change::accept);
    BOOST_TEST(again.refusal == "the case is accepted; allowed now: review");
    const cases::Outcome no_reason = apply(kAda, open(), Change::return_, "  ");
    BOOST_TEST(no_reason.refusal == "give the reason it is returned");
}

// A case manager works on their own cases only: they cannot accept, and another's case reads
// as absent. Unknown staff and assignees outside the office are refused.
BOOST_FIXTURE_TEST_CASE(case_manager_limits_and_unknown_staff, Fixture) {
    const std::string ref = open();
    const cases::Outcome accept = apply(kCal, ref, Change::accept);
    BOOST_TEST(!accept.done);
    BOOST_TEST(accept.refusal == "no such case");  // not theirs to see yet
    apply(kAda, ref, Change::accept);
    apply(kAda, ref, Change::assign, kCal);
    const cases::Outcome cal_archive = apply(kCal, ref, Change::archive);
    BOOST_TEST(cal_archive.refusal == "a case manager cannot archive a case; ask the office's admins");

    const cases::Outcome cleo = apply(kCleo, ref, Change::note, "hello");
    BOOST_TEST(!cleo.done);
    BOOST_TEST(cleo.refusal == "no such case");
    BOOST_TEST(!cases::show(db(), cfg, kCleo, ref).found);
    BOOST_TEST(cases::show(db(), cfg, kCleo, ref).refusal == "no such case");
    BOOST_TEST(!cases::show(db(), cfg, kEmma, ref).found);  // another office's admin
    BOOST_TEST(cases::show(db(), cfg, kCal, ref).found);
    BOOST_TEST(apply(kAda, "CG-1999-000001", Change::accept).refusal == "no such case");

    const cases::Outcome stranger = apply("someone@else.test", ref, Change::note, "hi");
    BOOST_TEST(!stranger.done);
    BOOST_TEST(stranger.refusal == "'someone@else.test' is not a member of staff in the configuration");
    const cases::Outcome outside = apply(kAda, ref, Change::assign, kEmma);
    BOOST_TEST(outside.refusal == "'emma.admin@casegate.test' is not a case manager or admin of "
                                  "East of England");
    BOOST_TEST(count("SELECT count(*) FROM cases WHERE case_manager = 'cal.manager@casegate.test'") == 1);
}

// Documents are typed by their content; what is not a known type is refused.
BOOST_FIXTURE_TEST_CASE(attach_checks_content, Fixture) {
    const std::string ref = open();
    const cases::Outcome pdf =
        cases::attach(db(), cfg, kAda, ref, {"letter.txt", "%PDF-1.4\n%%EOF\n"});
    BOOST_TEST(pdf.done);
    BOOST_TEST(count("SELECT count(*) FROM documents WHERE content_type = 'application/pdf'"
                     " AND filename = 'letter.txt' AND size = 15") == 1);
    const cases::Outcome junk =
        cases::attach(db(), cfg, kAda, ref, {"x.pdf", std::string("\x00\x01\x02junk", 7)});
    BOOST_TEST(!junk.done);
    BOOST_TEST(junk.refusal.find("none of PDF") != std::string::npos);
    BOOST_TEST(!cases::attach(db(), cfg, kAda, ref, {"empty.txt", ""}).done);
    BOOST_TEST(count("SELECT count(*) FROM documents") == 1);
    BOOST_TEST(*cases::content_type_of("Notes from the meeting\r\n") ==
               "text/plain; charset=utf-8");
    BOOST_TEST(!cases::content_type_of("\xC3\x28 broken").has_value());
    BOOST_TEST(*cases::content_type_of("\x89PNG\r\n\x1a\n....") == "image/png");
}

// Who may see what in a list: an admin their office's cases, a case manager theirs; filters.
BOOST_FIXTURE_TEST_CASE(list_visibility_and_filters, Fixture) {
    NewCase a;
    const std::string one = open(a);
    NewCase b;
    b.trainee = "Bo Brown";
    b.gmc = "7654321";
    b.route = "Personal";
    b.type = "Health";
    b.employer = "Cambridge Trust";
    const std::string two = open(b);
    NewCase c;
    c.office = "East Midlands";
    const std::string three = open(c);
    apply(kAda, one, Change::accept);
    apply(kAda, one, Change::assign, kCal);

    const auto refs = [&](const std::string& as, storage::CaseFilter f = {}) {
        std::set<std::string> out;
        for (const auto& row : cases::list(db(), cfg, as, f)) out.insert(row.reference);
        return out;
    };
    using Refs = std::set<std::string>;
    BOOST_TEST(refs(kAda) == (Refs{one, two}));
    BOOST_TEST(refs(kEmma) == (Refs{three}));
    BOOST_TEST(refs(kCal) == (Refs{one}));
    BOOST_TEST(refs(kCleo).empty());
    storage::CaseFilter other;
    other.office = "East Midlands";
    BOOST_TEST(refs(kAda, other).empty());

    storage::CaseFilter f;
    f.route = "personal";
    BOOST_TEST(refs(kAda, f) == (Refs{two}));
    f = {};
    f.type = "conduct";
    BOOST_TEST(refs(kAda, f) == (Refs{one}));
    f = {};
    f.employer = "cambridge";
    BOOST_TEST(refs(kAda, f) == (Refs{two}));
    f = {};
    f.statuses = {"accepted"};
    BOOST_TEST(refs(kAda, f) == (Refs{one}));
    f = {};
    f.case_manager = "CAL.MANAGER@casegate.test";
    BOOST_TEST(refs(kAda, f) == (Refs{one}));
    f = {};
    f.search = "bo BR";
    BOOST_TEST(refs(kAda, f) == (Refs{two}));
    f.search = "7654";
    BOOST_TEST(refs(kAda, f) == (Refs{two}));
    f.search = two.substr(8);
    BOOST_TEST(refs(kAda, f) == (Refs{two}));
    f.search = "RITA";
    BOOST_TEST(refs(kAda, f) == (Refs{one, two}));
    f = {};
    f.created_from = "2000-01-01";
    f.created_to = "2000-12-31";
    BOOST_TEST(refs(kAda, f).empty());
    f.created_to = "2999-12-31";
    BOOST_TEST(refs(kAda, f) == (Refs{one, two}));

    // Archived cases are hidden unless asked for.
    apply(kAda, two, Change::accept);
    apply(kAda, two, Change::review);
    apply(kAda, two, Change::close, "No further action");
    BOOST_TEST(apply(kAda, two, Change::archive).done);
    BOOST_TEST(refs(kAda) == (Refs{one}));
    f = {};
    f.include_archived = true;
    BOOST_TEST(refs(kAda, f) == (Refs{one, two}));
    BOOST_CHECK_THROW(cases::list(db(), cfg, "nobody@casegate.test", {}), std::invalid_argument);
}

// Views and changes are in the audit trail, with who and when.
BOOST_FIXTURE_TEST_CASE(audit_records_views_and_changes, Fixture) {
    const std::string ref = open();
    BOOST_TEST(cases::show(db(), cfg, kAda, ref).found);
    apply(kAda, ref, Change::accept);
    cases::show(db(), cfg, kCleo, ref);  // refused, and recorded
    const cases::AuditView v = cases::audit_trail(db(), cfg, kAda, ref);
    BOOST_TEST(v.found);
    Strings actions;
    for (const auto& e : v.entries) actions.push_back(e.actor + " " + e.action);
    BOOST_TEST(actions == (Strings{"casegate case.created", "Ada.Admin@casegate.test case.viewed",
                                   "Ada.Admin@casegate.test case.accept",
                                   "cleo.manager@casegate.test case.view_refused"}),
               boost::test_tools::per_element());
    BOOST_TEST(!v.entries[1].at.empty());
    BOOST_TEST(!cases::audit_trail(db(), cfg, kCleo, ref).found);
    BOOST_TEST(count("SELECT count(*) FROM audit_log WHERE action = 'case.audit_read'") == 1);
}

// A change of status or case manager written straight into PostgreSQL by another system is
// told exactly as one made through the service: the referrer that it was accepted, the admins'
// mailbox, the new case manager; once only. The service's own changes are not told twice.
BOOST_FIXTURE_TEST_CASE(changes_made_in_sql_are_told_the_same, Fixture) {
    const std::string ref = open();
    apply(kAda, ref, Change::accept);
    BOOST_TEST(count("SELECT count(*) FROM case_events") == 0);  // the service's own
    BOOST_TEST(cases::tell_database_changes(db(), cfg) == 0);

    const std::string other = open({.gmc = "7654321"});
    const std::int64_t mark = last_outbox_id();
    db().exec("UPDATE cases SET status = 'accepted' WHERE reference = $1", {other});
    db().exec("UPDATE cases SET case_manager = $2 WHERE reference = $1", {other, kCal});
    BOOST_TEST(count("SELECT count(*) FROM case_events WHERE processed_at IS NULL") == 2);
    BOOST_TEST(cases::tell_database_changes(db(), cfg) == 2);
    BOOST_TEST(cases::tell_database_changes(db(), cfg) == 0);
    const std::vector<Notice> ns = notices(other, mark);
    BOOST_TEST(kinds(ns) == (std::set<std::string>{"referral_accepted", "case_changed",
                                                   "case_manager_named", "case_assigned"}));
    BOOST_TEST(find_kind(ns, "referral_accepted")->to == Strings{kReferrer});
    BOOST_TEST(find_kind(ns, "case_assigned")->to == Strings{kCal});
    BOOST_TEST(count("SELECT count(*) FROM case_actions WHERE kind = 'database_change'") == 2);
    BOOST_TEST(count("SELECT count(*) FROM audit_log WHERE actor LIKE 'database:%'") == 2);
}

// A reassignment tells the case manager who is taken off the case (what changed and who has it
// now), as well as the new one, the referrer and the office; by the service and by SQL alike.
BOOST_FIXTURE_TEST_CASE(reassignment_tells_the_previous_case_manager, Fixture) {
    const std::string ref = open();
    apply(kAda, ref, Change::accept);
    apply(kAda, ref, Change::assign, kCal);
    std::int64_t mark = last_outbox_id();
    apply(kAda, ref, Change::assign, kCleo);
    std::vector<Notice> ns = notices(ref, mark);
    BOOST_TEST(find_kind(ns, "case_assigned")->to == Strings{kCleo});
    // Each member of staff has a row of their own (their reply token); the mailbox shares one.
    const auto told = [](const std::vector<Notice>& rows, const std::string& kind) {
        std::set<std::string> to;
        for (const Notice& n : rows) {
            if (n.kind == kind) to.insert(n.to.begin(), n.to.end());
        }
        return to;
    };
    using Set = std::set<std::string>;
    BOOST_TEST(told(ns, "case_changed") == (Set{kCal, kEoeMailbox}));
    BOOST_TEST(find_kind(ns, "case_changed")->message.find("Case manager: Cleo Manager") !=
               std::string::npos);

    // The same through the database: Cleo, taken off, is told.
    mark = last_outbox_id();
    db().exec("UPDATE cases SET case_manager = $2 WHERE reference = $1", {ref, kCal});
    BOOST_TEST(cases::tell_database_changes(db(), cfg) == 1);
    ns = notices(ref, mark);
    BOOST_TEST(find_kind(ns, "case_assigned")->to == Strings{kCal});
    BOOST_TEST(told(ns, "case_changed") == (Set{kCleo, kEoeMailbox}));

    // Assigning the same case manager again tells nobody twice.
    mark = last_outbox_id();
    apply(kAda, ref, Change::assign, kCal);
    ns = notices(ref, mark);
    BOOST_TEST(told(ns, "case_changed") == Set{kEoeMailbox});
}

// The retention purge: a dry run lists the archived cases closed more than retention_days ago;
// the apply blanks their personal data and deletes their documents, keeps the skeleton and the
// audit, and audits each purge; the counts match; a recent one and an open one are untouched.
BOOST_FIXTURE_TEST_CASE(retention_purge_dry_run_and_apply, Fixture) {
    const std::string old_case = open();
    const std::string recent = open({.gmc = "7654321"});
    open({.gmc = "7000001"});  // open: never purged
    for (const std::string& ref : {old_case, recent}) {
        apply(kAda, ref, Change::accept);
        apply(kAda, ref, Change::review);
        apply(kAda, ref, Change::note, "Spoke to the doctor about their health.");
        BOOST_REQUIRE(cases::attach(db(), cfg, kAda, ref, {"notes.txt", "private notes"}).done);
        apply(kAda, ref, Change::close, "Support completed");
        apply(kAda, ref, Change::archive);
    }
    db().exec("UPDATE cases SET closed_at = now() - interval '40 days' WHERE reference = $1",
              {old_case});
    db().exec("UPDATE cases SET closed_at = now() - interval '10 days' WHERE reference = $1",
              {recent});

    BOOST_TEST(cases::purge(db(), cfg, false, "test").cases.empty());  // retention_days = 0
    cfg.retention_days = 30;
    const cases::PurgeReport dry = cases::purge(db(), cfg, false, "test");
    BOOST_REQUIRE_EQUAL(dry.cases.size(), 1u);
    BOOST_TEST(dry.cases[0].reference == old_case);
    BOOST_TEST(dry.cases[0].documents == 1);
    BOOST_TEST(count("SELECT count(*) FROM documents") == 2);  // nothing removed by a dry run

    const cases::PurgeReport done = cases::purge(db(), cfg, true, "test");
    BOOST_REQUIRE_EQUAL(done.cases.size(), 1u);
    BOOST_TEST(done.removed.documents == 1);
    BOOST_TEST(done.removed.actions >= 2);  // the note and the close's outcome text
    BOOST_TEST(count("SELECT count(*) FROM documents") == 1);
    const storage::Result c = db().exec(
        "SELECT trainee_name, gmc_number, referrer_email, details, concern_route, status,"
        " purged_at IS NOT NULL FROM cases WHERE reference = $1",
        {old_case});
    BOOST_TEST(c.text(0, 0).empty());
    BOOST_TEST(c.text(0, 1) == "0000000");
    BOOST_TEST(c.text(0, 2).empty());
    BOOST_TEST(c.text(0, 3).empty());
    BOOST_TEST(c.text(0, 4) == "Professional");  // the skeleton stays for reporting
    BOOST_TEST(c.text(0, 5) == "archived");
    BOOST_TEST(c.boolean(0, 6));
    BOOST_TEST(count("SELECT count(*) FROM case_actions a JOIN cases c ON c.id = a.case_id"
                     " WHERE c.purged_at IS NOT NULL AND a.details ? 'text'") == 0);
    BOOST_TEST(count("SELECT count(*) FROM submissions s JOIN cases c ON c.id = s.case_id"
                     " WHERE c.purged_at IS NOT NULL AND s.fields <> '{}'") == 0);
    BOOST_TEST(count("SELECT count(*) FROM audit_log WHERE action = 'case.purged'") == 1);
    BOOST_TEST(count("SELECT count(*) FROM audit_log a JOIN cases c ON c.id = a.case_id"
                     " WHERE c.reference = '" + old_case + "'") > 5);  // its audit kept
    BOOST_TEST(count("SELECT count(*) FROM cases WHERE trainee_name <> ''") == 2);
    BOOST_TEST(cases::purge(db(), cfg, false, "test").cases.empty());
}

// The weekly triage digest: one per office to its admin team, references in each list, no
// names; the next one counts only what is new since.
BOOST_FIXTURE_TEST_CASE(weekly_triage_digest, Fixture) {
    const std::string waiting = open();
    const std::string accepted = open({.gmc = "7654321"});
    apply(kAda, accepted, Change::accept);
    BOOST_TEST(cases::send_triage_digests(db(), cfg, true) == 2);  // both offices
    const storage::Result r = db().exec(
        "SELECT array_to_json(recipients)::text, message FROM outbox WHERE kind = 'triage_digest'"
        " AND recipients @> ARRAY[$1] ORDER BY id",
        {std::string(kEoeMailbox)});
    BOOST_REQUIRE_EQUAL(r.rows(), 1);
    const std::string body = r.bytes(0, 1);
    BOOST_TEST(body.find("Awaiting triage (not yet accepted or returned) (1)") != std::string::npos);
    BOOST_TEST(body.find("New since the last digest (2)") != std::string::npos);
    BOOST_TEST(body.find("with no case manager (1)") != std::string::npos);
    BOOST_TEST(body.find(waiting) != std::string::npos);
    BOOST_TEST(body.find("Dana Doctor") == std::string::npos);
    BOOST_TEST(body.find("1234567") == std::string::npos);

    open({.gmc = "7000002"});
    BOOST_TEST(cases::send_triage_digests(db(), cfg, true) == 2);
    const storage::Result again = db().exec(
        "SELECT message FROM outbox WHERE kind = 'triage_digest' AND recipients @> ARRAY[$1]"
        " ORDER BY id DESC LIMIT 1",
        {std::string(kEoeMailbox)});
    BOOST_TEST(again.bytes(0, 0).find("New since the last digest (1)") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
