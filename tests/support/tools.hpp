// Running command-line tools (qpdf, pdftk) from tests in a private temporary directory.
// Header-only, so that suites without the database harness can use it.
#pragma once

#include <stdlib.h>
#include <sys/wait.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace casegate::test_tools {

/// The full path of `name` on PATH; the test fails (not skips) when it is missing.
inline std::string tool(const std::string& name) {
    namespace fs = std::filesystem;
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        const fs::path candidate = fs::path(dir) / name;
        if (!dir.empty() && fs::exists(candidate)) return candidate.string();
    }
    BOOST_FAIL(name + " is not on PATH (scripts/install-deps installs it)");
    return {};
}

/// A directory removed with everything in it when the object goes.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string templ = (std::filesystem::temp_directory_path() / "casegate-test-XXXXXX").string();
        BOOST_TEST_REQUIRE(mkdtemp(templ.data()) != nullptr);
        path = templ;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string file(const std::string& name) const { return (path / name).string(); }
};

inline void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
}

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// `s` in single quotes for the shell (the tests' own paths and values: no quotes inside).
inline std::string quoted(const std::string& s) { return "'" + s + "'"; }

/// Runs a shell command with its output in `out_file` (or discarded); returns its exit status.
inline int run(const std::string& command, const std::string& out_file = "/dev/null") {
    const int status = std::system((command + " >" + quoted(out_file) + " 2>&1").c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace casegate::test_tools
