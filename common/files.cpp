#include "common/files.hpp"

#include <fstream>
#include <sstream>

namespace casegate::common {

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace casegate::common
