// Reading golden samples from tests/data for the parser tests.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "parsers/email.hpp"

namespace casegate::parsers::test {

inline std::string read_data_file(const std::string& relative) {
    std::ifstream in(std::string(CASEGATE_TEST_DATA) + "/" + relative, std::ios::binary);
    if (!in) throw std::runtime_error("missing test data " + relative);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

inline EmailOutcome parse_sample(const std::string& name) {
    return parse_email(read_data_file("mime/" + name), MimeLimits{});
}

inline bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

inline bool has_defect(const ParsedEmail& email, const std::string& defect) {
    for (const std::string& d : email.defects)
        if (d == defect) return true;
    return false;
}

}  // namespace casegate::parsers::test
