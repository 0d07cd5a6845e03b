// The command lines of import/: `casegate import-cases`, `casegate employers list|map` and
// `casegate cases export`, for an office's admins (audited under --as).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace casegate::import {

extern const char* const kImportUsageText;

int import_cases_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int employers_cli_main(const std::vector<std::string>& args, std::ostream& out,
                       std::ostream& err);
int cases_export_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace casegate::import
