// `casegate cases list|show|audit|accept|return|assign|review|triage|meeting|engagement|plan|
// outcome|note|attach|close|archive|reopen`: the case service from an operator's shell.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace casegate::cases {

/// Exit codes of the commands.
inline constexpr int kCasesOk = 0;
inline constexpr int kCasesRefused = 1;  ///< a rule or permission refused it, or no such case
inline constexpr int kCasesUsage = 2;    ///< bad arguments
inline constexpr int kCasesFailed = 3;   ///< configuration, file or database failure

/// The whole command: `args` are the words after `cases` (the subcommand, then its arguments
/// and options, --as EMAIL and --config FILE among them). Never throws.
int cases_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// The usage lines of the commands, for `casegate --help` too.
extern const char* const kCasesUsageText;

}  // namespace casegate::cases
