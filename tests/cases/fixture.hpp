// A throw-away database with the schema, a configuration with two offices and their staff,
// and cases opened as the intake pipeline opens them. Shared by the cases suites.
#pragma once

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cases/cli.hpp"
#include "cases/service.hpp"
#include "common/config.hpp"
#include "storage/cases.hpp"
#include "storage/migrations.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/tools.hpp"

namespace casegate::cases_test {

inline constexpr const char* kAda = "ada.admin@casegate.test";      // East of England admin
inline constexpr const char* kCal = "cal.manager@casegate.test";    // East of England case manager
inline constexpr const char* kCleo = "cleo.manager@casegate.test";  // East of England case manager
inline constexpr const char* kEmma = "emma.admin@casegate.test";    // East Midlands admin
inline constexpr const char* kEoeMailbox = "eoe-admin@casegate.test";
inline constexpr const char* kReferrer = "rita.referrer@hospital.test";

struct NewCase {
    std::string office = "East of England";
    std::string trainee = "Dana Doctor";
    std::string gmc = "1234567";
    std::string referrer_name = "Rita Referrer";
    std::string referrer_email = kReferrer;
    std::string route = "Professional";
    std::string type = "Conduct";
    std::string employer = "Norfolk Hospital";
};

struct Notice {
    std::string kind;
    std::vector<std::string> to;
    std::string message;  ///< soft line breaks of quoted-printable removed, lines joined by spaces
};

struct Fixture {
    e2e::TestDb t;
    test_tools::TempDir dir;
    std::string config_path;
    common::Config cfg;

    Fixture() {
        storage::migrate(t.db());
        config_path = dir.file("casegate.toml");
        test_tools::write_file(
            config_path,
            "[database]\nconninfo = \"" + t.conninfo() + "\"\n\n[smtp]\nurl = \"" +
                e2e::Services::get().smtp_url +
                "\"\nfrom = \"casegate@casegate.test\"\n\n"
                "[[office]]\nname = \"East of England\"\nadmin_emails = [\"" +
                kEoeMailbox +
                "\"]\n"
                "[[office.staff]]\nname = \"Ada Admin\"\nemail = \"Ada.Admin@casegate.test\"\n"
                "role = \"admin\"\n"
                "[[office.staff]]\nname = \"Cal Manager\"\nemail = \"" +
                kCal +
                "\"\nrole = \"case_manager\"\n"
                "[[office.staff]]\nname = \"Cleo Manager\"\nemail = \"" +
                kCleo +
                "\"\nrole = \"case_manager\"\n\n"
                "[[office]]\nname = \"East Midlands\"\nadmin_emails = [\"em-admin@casegate.test\"]\n"
                "[[office.staff]]\nname = \"Emma Admin\"\nemail = \"" +
                kEmma +
                "\"\nrole = \"admin\"\n\n"
                "[routing]\ndefault_office = \"East of England\"\n\n[log]\nlevel = \"warn\"\n");
        cfg = common::load_config(config_path);
    }

    storage::Db& db() { return t.db(); }

    std::string open(const NewCase& n = {}) {
        storage::CaseRow c;
        c.local_office = n.office;
        c.trainee_name = n.trainee;
        c.gmc_number = n.gmc;
        c.employer = n.employer;
        c.referrer_name = n.referrer_name;
        c.referrer_email = n.referrer_email;
        c.referrer_role = "Supervisor";
        c.concern_route = n.route;
        c.concern_type = n.type;
        c.details = "Private clinical details of the concern.";
        c.terms_accepted = true;
        storage::SubmissionRow s;
        s.channel = "email-body";
        s.status = workflow::SubmissionStatus::complete;
        nlohmann::json fields;
        fields["trainee_name"] = n.trainee;
        fields["gmc_number"] = n.gmc;
        fields["referrer_email"] = n.referrer_email;
        fields["concern_route"] = n.route;
        fields["support_requested"] = {"Coaching"};
        s.fields_json = fields.dump();
        s.sender_email = n.referrer_email;
        storage::Transaction tx(db());
        const storage::OpenedCase opened = storage::open_case(db(), c, s);
        tx.commit();
        return opened.reference;
    }

    std::string incomplete(const std::string& fields_json = R"({"trainee_name":"Ina Incomplete"})") {
        storage::Transaction tx(db());
        storage::SubmissionRow s;
        s.reference = storage::next_reference(db());
        s.channel = "email-body";
        s.fields_json = fields_json;
        s.missing_json = R"(["gmc_number"])";
        storage::insert_submission(db(), s);
        tx.commit();
        return s.reference;
    }

    cases::Outcome apply(const std::string& as, const std::string& ref, workflow::Change c,
                         const std::string& detail = "") {
        return cases::apply(db(), cfg, as, ref, c, detail);
    }

    std::string status(const std::string& ref) {
        return db().exec("SELECT status FROM cases WHERE reference = $1", {ref}).text(0, 0);
    }

    std::int64_t count(const std::string& sql) { return t.count(sql); }

    // The outbox rows of the case written after row `after`, oldest first.
    std::vector<Notice> notices(const std::string& ref, std::int64_t after = 0) {
        const storage::Result r = db().exec(
            "SELECT o.kind, array_to_json(o.recipients)::text, o.message FROM outbox o"
            " JOIN cases c ON c.id = o.case_id WHERE c.reference = $1 AND o.id > $2"
            " ORDER BY o.id",
            {ref, after});
        std::vector<Notice> out;
        for (int i = 0; i < r.rows(); ++i) {
            std::string m = r.bytes(i, 2);
            for (std::size_t p; (p = m.find("=\r\n")) != std::string::npos;) m.erase(p, 3);
            for (std::size_t p; (p = m.find("\r\n")) != std::string::npos;) m.replace(p, 2, " ");
            out.push_back({r.text(i, 0),
                           nlohmann::json::parse(r.text(i, 1)).get<std::vector<std::string>>(), m});
        }
        return out;
    }

    std::int64_t last_outbox_id() { return count("SELECT coalesce(max(id), 0) FROM outbox"); }

    struct Run {
        int rc;
        std::string out, err;
    };

    // `casegate cases ARGS --as AS --config …`, in process.
    Run cli(std::vector<std::string> args, const std::string& as = kAda) {
        args.push_back("--as");
        args.push_back(as);
        args.push_back("--config");
        args.push_back(config_path);
        std::ostringstream out, err;
        const int rc = cases::cases_main(args, out, err);
        return {rc, out.str(), err.str()};
    }

    std::vector<nlohmann::json> json_lines(const std::string& text) {
        std::vector<nlohmann::json> out;
        std::istringstream lines(text);
        for (std::string line; std::getline(lines, line);) out.push_back(nlohmann::json::parse(line));
        return out;
    }
};

}  // namespace casegate::cases_test
