// `casegate reval classify` over the scenarios in tests/data/reval/: output compared line by
// line with expected.jsonl, then usage errors and bad lines.
#include "reval/classify_cli.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using casegate::reval::reval_classify_main;

namespace {

const fs::path data_dir = fs::path(CASEGATE_TEST_DATA) / "reval";

std::vector<std::string> lines_of(std::istream& in) {
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

struct Run {
    int code = -1;
    std::string out;
    std::string err;
};

Run run(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    Run r;
    r.code = reval_classify_main(args, out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
}

// The scenario's arguments: --today from its `today` file, then each input file present.
std::vector<std::string> scenario_args(const fs::path& dir) {
    std::ifstream today_file(dir / "today");
    std::string today;
    std::getline(today_file, today);
    std::vector<std::string> args{"--today", today};
    for (const char* kind : {"tis", "gmc", "actions", "history"}) {
        const fs::path file = dir / (std::string(kind) + ".jsonl");
        if (fs::exists(file)) {
            args.push_back(std::string("--") + kind);
            args.push_back(file.string());
        }
    }
    return args;
}

void check_scenario(const std::string& name) {
    const fs::path dir = data_dir / name;
    BOOST_REQUIRE_MESSAGE(fs::exists(dir / "expected.jsonl"), dir << " has no expected.jsonl");
    const Run r = run(scenario_args(dir));
    BOOST_TEST(r.code == 0);
    BOOST_TEST(r.err == "");
    std::istringstream got_stream(r.out);
    std::ifstream expected_stream(dir / "expected.jsonl");
    const auto got = lines_of(got_stream);
    const auto expected = lines_of(expected_stream);
    BOOST_TEST(got.size() == expected.size());
    for (std::size_t i = 0; i < std::min(got.size(), expected.size()); ++i) {
        BOOST_TEST_CONTEXT(name << " line " << i + 1) {
            BOOST_TEST(got[i] == expected[i]);
        }
    }
}

// Runs with one bad file and checks exit 2 and a message "FILE:LINE: ...what...".
void check_bad(const std::string& option, const std::string& file, int line,
               const std::string& what) {
    const std::string path = (data_dir / "bad" / file).string();
    const Run r = run({"--today", "2026-03-01", option, path});
    BOOST_TEST(r.code == 2);
    BOOST_TEST(r.out == "");
    const std::string where = path + ":" + std::to_string(line) + ": ";
    BOOST_TEST_CONTEXT(r.err) {
        BOOST_TEST(r.err.find(where) != std::string::npos);
        BOOST_TEST(r.err.find(what) != std::string::npos);
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cli)

// REVALIDATION.md's own example records give exactly its example output line; the example hide,
// dated after today, does not apply yet.
BOOST_AUTO_TEST_CASE(spec_example) {
    check_scenario("spec_example");
}

// One doctor per table row, each also meeting a later row, in the documented output shape.
BOOST_AUTO_TEST_CASE(every_rule) {
    check_scenario("every_rule");
}

// Empty, missing, null and junk GMC numbers key the doctor by TIS id; a padded one is trimmed.
BOOST_AUTO_TEST_CASE(junk_gmc_numbers) {
    check_scenario("junk_gmc_numbers");
}

// Repeated TIS ids, two persons on one number, two GMC rows for one number.
BOOST_AUTO_TEST_CASE(duplicates) {
    check_scenario("duplicates");
}

// Hide until today, expired hide, context kept and broken, unhide from another office, flags,
// a hide by TIS id, and a hide dated after today.
BOOST_AUTO_TEST_CASE(hide_lifecycle) {
    check_scenario("hide_lifecycle");
}

// Failed, refused and later-succeeded GMC requests; the request shows on a hidden doctor too.
BOOST_AUTO_TEST_CASE(gmc_requests) {
    check_scenario("gmc_requests");
}

// Memberships ending today, starting today, starting tomorrow, ended yesterday, open-ended.
BOOST_AUTO_TEST_CASE(membership_edges) {
    check_scenario("membership_edges");
}

// Blank lines, CRLF, a last line without newline, unknown keys and lower-case enum words.
BOOST_AUTO_TEST_CASE(tolerant_input) {
    check_scenario("tolerant_input");
}

// Without input files the command prints nothing and succeeds.
BOOST_AUTO_TEST_CASE(no_files_no_output) {
    const Run r = run({"--today", "2026-03-01"});
    BOOST_TEST(r.code == 0);
    BOOST_TEST(r.out == "");
}

// A repeated file option reads both files, as if concatenated (one GMC file per DB).
BOOST_AUTO_TEST_CASE(repeated_file_option) {
    const fs::path dir = data_dir / "spec_example";
    const Run r = run({"--today", "2026-03-01", "--gmc", (dir / "gmc.jsonl").string(), "--gmc",
                       (data_dir / "duplicates" / "gmc.jsonl").string()});
    BOOST_TEST(r.code == 0);
    std::istringstream s(r.out);
    BOOST_TEST(lines_of(s).size() == 2u);
}

// Missing or malformed --today, unknown options and options without a value are usage errors.
BOOST_AUTO_TEST_CASE(usage_errors) {
    const std::vector<std::vector<std::string>> bad{
        {},
        {"--tis", "x.jsonl"},
        {"--today"},
        {"--today", "2026-02-30"},
        {"--today", "01/03/2026"},
        {"--today", "2026-03-01", "--today", "2026-03-02"},
        {"--today", "2026-03-01", "--people", "x"},
        {"--today", "2026-03-01", "--tis"}};
    for (const auto& args : bad) {
        const Run r = run(args);
        BOOST_TEST_CONTEXT(r.err) {
            BOOST_TEST(r.code == 2);
            BOOST_TEST(r.err.find("usage: casegate reval classify --today") != std::string::npos);
            BOOST_TEST(r.out == "");
        }
    }
}

// A file that cannot be opened, or a directory, is named in the error, exit 2.
BOOST_AUTO_TEST_CASE(unreadable_file) {
    Run r = run({"--today", "2026-03-01", "--tis", "/nonexistent/tis.jsonl"});
    BOOST_TEST(r.code == 2);
    BOOST_TEST(r.err.find("/nonexistent/tis.jsonl: cannot open file") != std::string::npos);
    r = run({"--today", "2026-03-01", "--gmc", data_dir.string()});
    BOOST_TEST(r.code == 2);
    BOOST_TEST(r.err.find(": is a directory") != std::string::npos);
}

// Each kind of bad line stops the command and names the file, the line and the problem.
BOOST_AUTO_TEST_CASE(bad_lines) {
    check_bad("--tis", "not_json.jsonl", 3, "not valid JSON");
    check_bad("--tis", "array_line.jsonl", 1, "expected a JSON object");
    check_bad("--tis", "bad_date.jsonl", 2, "programme_memberships[0].start_date: expected a date");
    check_bad("--tis", "unknown_type.jsonl", 1,
              "programme_memberships[1].type: unknown value \"M\"");
    check_bad("--tis", "missing_person_id.jsonl", 1, "tis_person_id: missing");
    check_bad("--gmc", "gmc_junk_number.jsonl", 3, "gmc_number: expected 7 digits");
    check_bad("--gmc", "gmc_number_not_string.jsonl", 1, "gmc_number: expected a string");
    check_bad("--actions", "unknown_action.jsonl", 1, "action: unknown value \"delete\"");
    check_bad("--actions", "return_code_text.jsonl", 1, "return_code: expected an integer");
}

BOOST_AUTO_TEST_SUITE_END()
