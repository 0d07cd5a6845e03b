// Reading a whole file into memory (configuration, secrets, files given to `casegate parse`).
#pragma once

#include <optional>
#include <string>

namespace casegate::common {

/// The file's bytes, or nullopt if it cannot be opened (errno says why).
std::optional<std::string> read_file(const std::string& path);

}  // namespace casegate::common
