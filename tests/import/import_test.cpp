// Historical cases from the offices' spreadsheets, and employers counted by trust: CSV as
// spreadsheets write it, the matching of written employers, and `casegate import-cases` /
// `employers` / `cases export` run as an office's admin would, against PostgreSQL.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "import/csv.hpp"
#include "import/employers.hpp"
#include "storage/reports.hpp"
#include "tests/e2e/e2e_support.hpp"

namespace im = casegate::import;
using namespace casegate::e2e;

namespace {

const std::string kEmployers =
    std::string(CASEGATE_SOURCE_DIR) + "/examples/employers-east-of-england.csv";
const std::string kAdmin = "alex.admin@casegate.test";

// The same trust written five ways, as offices write it.
const std::vector<std::string> kNorwich = {
    "Norfolk and Norwich University Hospitals NHS Foundation Trust",
    "NORFOLK & NORWICH UNIVERSITY HOSPITALS", "Norfolk & Norwich Univ. Hospitals", "RM1",
    "norfolk and norwich university hospitals nhs ft"};

std::string quoted_cell(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) {
        if (c == '"') q += '"';
        q += c;
    }
    return q + "\"";
}

// A spreadsheet of `rows` historical cases as an office keeps it: a BOM, multi-line notes,
// names with accents, employers written five ways, and bad rows at known places. `bad` gets
// each bad row's line and the field its error names.
struct Sheet {
    std::string text;
    std::vector<std::pair<int, std::string>> bad;
    int good = 0;
};

Sheet make_sheet(int rows, const std::string& gmc_prefix = "70") {
    Sheet s;
    s.text = "\xEF\xBB\xBF";
    s.text += "Case ref,Date received,Doctor's full name,GMC No,Grade,Employer,Referred by,"
              "Role,Route,Type of concern,Details,Status,Date closed,Outcome,Case manager,Notes,"
              "Supervisor ref\r\n";
    int line = 2;
    const std::vector<std::string> names = {"Zoë Brontë", "José Álvarez", "Siân O'Connor",
                                            "Ada Lovelace", "Chidi Okafor"};
    for (int i = 0; i < rows; ++i) {
        const int year = 2021 + i % 4;
        const int month = 1 + i % 12;
        char received[16];
        std::snprintf(received, sizeof received, "%02d/%02d/%d", 1 + i % 28, month, year);
        std::string closed;
        std::string status = i % 3 == 0 ? "Closed" : (i % 3 == 1 ? "Open" : "Under review");
        if (status == "Closed") {
            char c[16];
            std::snprintf(c, sizeof c, "%d-%02d-28", year, month);
            closed = c;
        }
        char gmc[8];
        std::snprintf(gmc, sizeof gmc, "%s%05d", gmc_prefix.c_str(), i);
        std::string name = names[static_cast<std::size_t>(i) % names.size()] + " " +
                           std::to_string(i);
        std::string route = i % 2 ? "Professional" : "Personal";
        std::string employer = i % 10 < 5 ? kNorwich[static_cast<std::size_t>(i) % 5]
                                          : (i % 10 < 8 ? "Cambridge University Hospitals"
                                                        : "Hinchingbrooke Hospital");
        std::string notes = i % 4 == 0 ? "Met the doctor.\nAgreed a plan, reviewed \"monthly\"."
                                       : "";
        std::string rec(received);
        // 37 bad rows in five kinds, one error each.
        std::string field;
        if (i % 50 == 7 && s.bad.size() < 10) {
            std::snprintf(gmc, sizeof gmc, "12345");
            field = "gmc_number";
        } else if (i % 50 == 17 && s.bad.size() < 18) {
            name.clear();
            field = "trainee_name";
        } else if (i % 50 == 27 && s.bad.size() < 25) {
            route = "Misc";
            field = "concern_route";
        } else if (i % 50 == 37 && s.bad.size() < 31) {
            rec = "31/02/2021";
            field = "received";
        } else if (i % 50 == 47 && s.bad.size() < 37 && status == "Closed") {
            closed = std::to_string(year - 1) + "-01-01";
            field = "closed";
        }
        if (!field.empty()) s.bad.emplace_back(line, field);
        const std::vector<std::string> cells = {
            i % 7 == 0 ? "EOE-" + std::to_string(year) + "-" + std::to_string(i) : "",
            rec, name, gmc, "ST" + std::to_string(1 + i % 6), employer,
            "Dr Sam Supervisor", "Educational Supervisor", route, "Conduct",
            i % 5 == 0 ? "" : "Concern number " + std::to_string(i) + ", in detail.",
            status, closed, status == "Closed" ? "Resolved locally" : "", "", notes,
            "SR" + std::to_string(i)};
        for (std::size_t k = 0; k < cells.size(); ++k) {
            if (k) s.text += ',';
            s.text += quoted_cell(cells[k]);
        }
        s.text += "\r\n";
        line += 1 + static_cast<int>(std::count(notes.begin(), notes.end(), '\n'));
    }
    s.good = rows - static_cast<int>(s.bad.size());
    return s;
}

// A configuration without mailboxes, with East Midlands' admin (kAdmin) and, when asked, the
// sample list of employers for both offices.
ConfigOptions admin_options(bool employers) {
    ConfigOptions opt;
    opt.imap_users = {};
    opt.extra = kEastMidlandsStaff;
    if (employers) opt.employers_file = kEmployers;
    return opt;
}

std::string write_temp(const std::string& dir, const std::string& name, const std::string& b) {
    const std::string path = dir + "/" + name;
    std::ofstream(path, std::ios::binary) << b;
    return path;
}

// Runs casegate with the arguments, its standard output in `out`; the exit code.
int run_cli(const std::vector<std::string>& args, std::string& out, const std::string& dir) {
    const std::string file = dir + "/out.txt";
    std::string command = shell_quoted(casegate_binary());
    for (const std::string& a : args) command += " " + shell_quoted(a);
    const int status = shell(command + " >" + shell_quoted(file) + " 2>" +
                             shell_quoted(dir + "/err.txt"));
    out = read_file(file);
    return status;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(import)

BOOST_AUTO_TEST_CASE(csv_as_spreadsheets_write_it) {
    const im::CsvTable t =
        im::parse_csv("\xEF\xBB\xBF" "a;b;c\r\n1;\"two\r\nlines; and \"\"quotes\"\"\";3\r\n\r\n4;5;6");
    BOOST_TEST(t.encoding == "UTF-8 with BOM");
    BOOST_TEST(t.separator == ';');
    BOOST_REQUIRE_EQUAL(t.records.size(), 3u);
    BOOST_TEST(t.records[0].cells[0] == "a");  // the BOM is not part of the first header
    BOOST_TEST(t.records[1].line == 2);
    BOOST_TEST(t.records[1].cells[1] == "two\r\nlines; and \"quotes\"");
    BOOST_TEST(t.records[2].line == 5);  // after the two-line record and a blank line
    BOOST_TEST(t.records[2].cells[2] == "6");

    const im::CsvTable w = im::parse_csv("name,town\nZo\xEB Bront\xEB,King\x92s Lynn\n");
    BOOST_TEST(w.encoding == "Windows-1252");
    BOOST_TEST(w.records[1].cells[0] == "Zoë Brontë");
    BOOST_TEST(w.records[1].cells[1] == "King\u2019s Lynn");

    try {
        im::parse_csv("a,b\n1,2\n3,\"open\n4,5\n");
        BOOST_FAIL("an unterminated quote was accepted");
    } catch (const im::CsvError& e) {
        BOOST_TEST(std::string(e.what()) ==
                   "line 3: a quoted field is not closed before the end of the file");
    }
    BOOST_TEST(im::csv_line({"plain", "a,b", "say \"hi\"", "two\nlines", ""}) ==
               "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n");
}

BOOST_AUTO_TEST_CASE(employers_match_by_code_and_name_however_written) {
    const im::EmployerList l = im::EmployerList::load(kEmployers);
    BOOST_TEST(l.all().size() == 16u);
    for (const std::string& w : kNorwich) {
        const im::Employer* e = l.match(w);
        BOOST_REQUIRE_MESSAGE(e, w);
        BOOST_TEST(e->code == "RM1", w);
    }
    BOOST_TEST(l.match("rm1")->code == "RM1");
    BOOST_TEST(l.match("Queen Elizabeth Hospital Kings Lynn")->code == "RCX");
    BOOST_TEST(l.match("The Queen Elizabeth Hospital, King\u2019s Lynn NHS FT")->code == "RCX");
    BOOST_TEST(l.match("Cambridge Univ Hosps")->code == "RGT");
    BOOST_TEST(l.match("Hinchingbrooke Hospital") == nullptr);
    BOOST_TEST(l.match("Norwich") == nullptr);  // a part is not a match
    BOOST_TEST(im::employer_key("The Princess Alexandra Hospital NHS Trust") ==
               "princess alexandra hospital");

    const std::string dir = std::filesystem::temp_directory_path() / "casegate-employers-test";
    std::filesystem::create_directories(dir);
    const std::string bad = write_temp(dir, "bad.csv", "\"RM1\",\"A TRUST\"\n\"R M1\",\"B\"\n");
    try {
        im::EmployerList::load(bad);
        BOOST_FAIL("a bad code was accepted");
    } catch (const std::runtime_error& e) {
        BOOST_TEST(std::string(e.what()) == bad + ": line 2: 'R M1' is not an ODS code");
    }
    std::filesystem::remove_all(dir);
}

// An office's list is read again when its file changes: a new list needs no restart.
BOOST_AUTO_TEST_CASE(a_changed_list_is_read_again) {
    const std::string dir = std::filesystem::temp_directory_path() / "casegate-employers-reread";
    std::filesystem::create_directories(dir);
    const std::string path = write_temp(dir, "list.csv", "\"RM1\",\"A TRUST\"\n");
    casegate::common::Config cfg;
    casegate::common::OfficeConfig office;
    office.name = "East Midlands";
    office.employers_file = path;
    cfg.offices.push_back(office);
    BOOST_TEST(im::employer_list(cfg, "East Midlands")->all().size() == 1u);
    BOOST_TEST(im::employer_list(cfg, "Wessex") == nullptr);  // not an office here
    write_temp(dir, "list.csv", "\"RM1\",\"A TRUST\"\n\"RGT\",\"ANOTHER TRUST\"\n");
    std::filesystem::last_write_time(path, std::filesystem::last_write_time(path) +
                                               std::chrono::seconds(2));
    BOOST_TEST(im::employer_list(cfg, "East Midlands")->all().size() == 2u);
    BOOST_TEST(im::region_employers(cfg) == (std::vector<std::string>{"A TRUST", "ANOTHER TRUST"}));
    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(import_cases)

// The test: 2,000 rows with a BOM, accented names, multi-line notes, employers written
// five ways and 37 bad rows. The dry run reports exactly the bad rows by line and field and
// writes nothing; the run creates the 1,963 others and sends no email; a second run creates
// none; an export imported into an empty database gives the same cases.
BOOST_AUTO_TEST_CASE(a_spreadsheet_comes_in_once_and_goes_out_the_same) {
    TestDb db;
    const ConfigOptions opt = admin_options(true);
    TestConfig cfg(db, opt);
    const Sheet sheet = make_sheet(2000);
    BOOST_REQUIRE_EQUAL(sheet.bad.size(), 37u);
    BOOST_REQUIRE_EQUAL(sheet.good, 1963);
    const std::string file = write_temp(cfg.dir(), "cases.csv", sheet.text);
    const std::string mapping =
        write_temp(cfg.dir(), "mapping.toml", "[columns]\n\"Supervisor ref\" = \"ignore\"\n");
    const std::vector<std::string> base = {"import-cases", file,  "--office", "East Midlands",
                                           "--as",         kAdmin, "--config", cfg.path()};
    std::string out;

    // Without the mapping, the unknown column stops everything.
    std::vector<std::string> args = base;
    args.emplace_back("--dry-run");
    BOOST_TEST(run_cli(args, out, cfg.dir()) != 0);
    BOOST_TEST(out.find("problem: column 'Supervisor ref' is not a field of the form") !=
               std::string::npos, out);

    // A mapping to something that is neither a key nor a case column stops everything too.
    const std::string wrong =
        write_temp(cfg.dir(), "wrong.toml", "[columns]\n\"Supervisor ref\" = \"nonsense\"\n");
    std::vector<std::string> with_wrong = args;
    with_wrong.emplace_back("--mapping");
    with_wrong.push_back(wrong);
    BOOST_TEST(run_cli(with_wrong, out, cfg.dir()) == 1);
    BOOST_TEST(out.find("problem: the mapping gives column 'Supervisor ref' to 'nonsense'") !=
               std::string::npos, out);

    args.emplace_back("--mapping");
    args.push_back(mapping);
    BOOST_TEST(run_cli(args, out, cfg.dir()) != 0);  // rows with errors: exit 1
    BOOST_TEST(out.find("UTF-8 with BOM, ',' separated, 2000 rows") != std::string::npos, out);
    std::set<std::pair<int, std::string>> reported;
    std::istringstream lines(out);
    for (std::string l; std::getline(lines, l);) {
        if (l.rfind("line ", 0) != 0 || l.find("would create") != std::string::npos) continue;
        const std::size_t colon = l.find(": ");
        const std::size_t field_end = l.find(": ", colon + 2);
        reported.emplace(std::stoi(l.substr(5, colon - 5)),
                         l.substr(colon + 2, field_end - colon - 2));
    }
    const std::set<std::pair<int, std::string>> expected(sheet.bad.begin(), sheet.bad.end());
    BOOST_TEST((reported == expected), out.substr(0, 3000));
    BOOST_TEST(out.find("would create 1963 cases") != std::string::npos);
    BOOST_TEST(out.find("\"Hinchingbrooke Hospital\" (") != std::string::npos);
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 0);

    // The run.
    args = base;
    args.emplace_back("--mapping");
    args.push_back(mapping);
    run_cli(args, out, cfg.dir());
    BOOST_TEST(out.find("created 1963 cases") != std::string::npos, out.substr(out.size() - 300));
    BOOST_TEST(db.count("SELECT count(*) FROM cases WHERE import_id IS NOT NULL") == 1963);
    BOOST_TEST(db.count("SELECT count(*) FROM outbox") == 0);
    BOOST_TEST(db.count("SELECT count(*) FROM cases WHERE employer_code = 'RM1'") ==
               db.count("SELECT count(*) FROM cases WHERE employer ILIKE '%norwich%' OR "
                        "employer = 'RM1'"));
    BOOST_TEST(db.count("SELECT count(DISTINCT employer) FROM cases WHERE employer_code = 'RM1'") ==
               5);
    BOOST_TEST(db.count("SELECT count(*) FROM cases WHERE trainee_name LIKE 'Zoë Brontë %'") > 0);
    BOOST_TEST(db.count("SELECT count(*) FROM cases WHERE status = 'closed' AND closed_at IS NULL") ==
               0);
    BOOST_TEST(db.count("SELECT count(*) FROM cases WHERE created_at < '2021-01-01'") == 0);
    BOOST_TEST(db.count("SELECT count(*) FROM case_actions WHERE kind = 'note' AND "
                        "details->>'text' LIKE 'Met the doctor.\nAgreed%'") > 0);
    BOOST_TEST(db.count("SELECT count(*) FROM audit_log WHERE action = 'cases.imported' AND "
                        "details->>'created' = '1963' AND details->>'sha256' <> ''") == 1);

    // Again: nothing new.
    run_cli(args, out, cfg.dir());
    BOOST_TEST(out.find("created 0 cases; already imported 1963") != std::string::npos, out);
    BOOST_TEST(db.count("SELECT count(*) FROM cases") == 1963);

    // Out and into an empty database: the same cases.
    BOOST_TEST(run_cli({"cases", "export", "--office", "East Midlands", "--csv", "--as", kAdmin,
                         "--config", cfg.path()},
                        out, cfg.dir()) == 0);
    const std::string exported = out;
    BOOST_TEST(std::count(exported.begin(), exported.end(), '\n') > 1963);
    TestDb empty;
    TestConfig other(empty, opt);
    const std::string again = write_temp(other.dir(), "export.csv", exported);
    BOOST_TEST(run_cli({"import-cases", again, "--office", "East Midlands", "--as", kAdmin,
                         "--config", other.path()},
                        out, other.dir()) == 0, out.substr(0, 2000));
    BOOST_TEST(out.find("created 1963 cases") != std::string::npos);
    BOOST_TEST(run_cli({"cases", "export", "--office", "East Midlands", "--csv", "--as", kAdmin,
                         "--config", other.path()},
                        out, other.dir()) == 0);
    BOOST_TEST(out == exported);
}

// A Windows-1252 file (as Excel saves "CSV" on a British Windows) with ';' between fields;
// and only an admin of the office may import.
BOOST_AUTO_TEST_CASE(windows_1252_and_semicolons, *boost::unit_test::timeout(120)) {
    TestDb db;
    TestConfig cfg(db, admin_options(false));
    const std::string file = write_temp(
        cfg.dir(), "cp1252.csv",
        "Date received;Doctor's full name;GMC number;Referred by;Route;Type of concern\r\n"
        "03/04/2022;Zo\xEB Bront\xEB;7100001;Jos\xE9 \xC1lvarez;Personal;Health\r\n");
    std::string out;
    BOOST_TEST(run_cli({"import-cases", file, "--office", "East Midlands", "--as",
                         "casey@casegate.test", "--config", cfg.path()},
                        out, cfg.dir()) == 1);
    BOOST_TEST(read_file(cfg.dir() + "/err.txt").find("is not an admin of East Midlands") !=
               std::string::npos);
    BOOST_TEST(run_cli({"import-cases", file, "--office", "east midlands", "--as", kAdmin,
                         "--config", cfg.path()},
                        out, cfg.dir()) == 0, out);
    BOOST_TEST(out.find("Windows-1252, ';' separated, 1 rows") != std::string::npos, out);
    BOOST_TEST(db.count("SELECT count(*) FROM cases WHERE trainee_name = 'Zoë Brontë' AND "
                        "referrer_name = 'José Álvarez' AND created_at::date = '2022-04-03' AND "
                        "status = 'accepted' AND referrer_email = '' AND NOT terms_accepted") == 1);
}

// Staff map an employer written outside the list once: the cases already there and those to
// come count under its code.
BOOST_AUTO_TEST_CASE(an_employer_mapped_once_counts_from_then_on) {
    TestDb db;
    const ConfigOptions opt = admin_options(true);
    TestConfig cfg(db, opt);
    const std::string head = "Date received,Doctor's full name,GMC number,Referred by,Route,"
                             "Type of concern,Employer\r\n";
    const std::string file = write_temp(
        cfg.dir(), "a.csv",
        head + "01/02/2023,A Doctor,7200001,R,Personal,Health,Hinchingbrooke Hospital\r\n"
               "02/02/2023,B Doctor,7200002,R,Personal,Health,hinchingbrooke hosp.\r\n");
    std::string out;
    BOOST_TEST(run_cli({"import-cases", file, "--office", "East Midlands", "--as", kAdmin,
                         "--config", cfg.path()},
                        out, cfg.dir()) == 0, out);
    BOOST_TEST(db.count("SELECT count(*) FROM cases WHERE employer_code IS NULL") == 2);
    BOOST_TEST(run_cli({"employers", "map", "Hinchingbrooke Hospital", "RGN", "--office",
                         "East Midlands", "--as", kAdmin, "--config", cfg.path()},
                        out, cfg.dir()) == 0);
    BOOST_TEST(out.find("2 cases updated") != std::string::npos, out);
    BOOST_TEST(db.count("SELECT count(*) FROM cases WHERE employer_code = 'RGN'") == 2);
    const std::string later = write_temp(
        cfg.dir(), "b.csv",
        head + "03/02/2023,C Doctor,7200003,R,Personal,Health,HINCHINGBROOKE HOSPITAL\r\n");
    run_cli({"import-cases", later, "--office", "East Midlands", "--as", kAdmin, "--config",
              cfg.path()},
             out, cfg.dir());
    BOOST_TEST(db.count("SELECT count(*) FROM cases WHERE employer_code = 'RGN' AND "
                        "employer = 'HINCHINGBROOKE HOSPITAL'") == 1);
    BOOST_TEST(run_cli({"employers", "map", "Somewhere", "XYZ", "--office", "East Midlands",
                         "--as", kAdmin, "--config", cfg.path()},
                        out, cfg.dir()) == 1);
    BOOST_TEST(run_cli({"employers", "list", "--office", "East Midlands", "--as", kAdmin,
                         "--config", cfg.path()},
                        out, cfg.dir()) == 0);
    BOOST_TEST(out.find("RGN     3       NORTH WEST ANGLIA NHS FOUNDATION TRUST") !=
               std::string::npos, out);
    BOOST_TEST(db.count("SELECT count(*) FROM audit_log WHERE action = 'employers.mapped'") == 1);
}

// An emailed referral naming its trust in its own way counts under the trust's code.
BOOST_AUTO_TEST_CASE(an_emailed_referral_counts_under_its_trust) {
    reset_mail();
    TestDb db;
    ConfigOptions opt;
    opt.employers_file = kEmployers;
    TestConfig cfg(db, opt);
    std::string raw = referral(301, "7300001");
    raw.insert(raw.find("Your name:"),
               "Employer at the time: Norfolk & Norwich Univ. Hospitals\r\n");
    deliver("referrals", raw);
    BOOST_REQUIRE(run_once(cfg) == 0);
    BOOST_TEST(db.count("SELECT count(*) FROM cases WHERE employer_code = 'RM1' AND "
                        "employer = 'Norfolk & Norwich Univ. Hospitals'") == 1);
    std::int64_t counted = -1;
    for (const auto& r : casegate::storage::case_report(db.db(), "2000-01-01", "2100-01-01",
                                                        "East of England")) {
        if (r.dimension == "employer" &&
            r.value == "RM1 NORFOLK AND NORWICH UNIVERSITY HOSPITALS NHS FOUNDATION TRUST")
            counted = r.count;
    }
    BOOST_TEST(counted == 1);
}

BOOST_AUTO_TEST_SUITE_END()
