// Parsing untrusted bytes in a child process: the parent sends nothing but the bytes and gets
// back the evaluation, so a crash, a hang or a runaway allocation in a parser costs one child,
// never the daemon or the other items.
#pragma once

#include <string>
#include <vector>

#include "daemon/config.hpp"
#include "forms/evaluate.hpp"
#include "parsers/email.hpp"

namespace casegate::daemon {

enum class ParseStatus {
    ok,          ///< evaluation holds the result
    unreadable,  ///< the parser refused the bytes (a limit or a structural error): final
    failed,      ///< the child crashed, timed out or hit a resource limit: may be retried
};

struct ParsedItem {
    ParseStatus status = ParseStatus::failed;
    std::string reason;  ///< for unreadable and failed
    forms::Evaluation evaluation;
    std::vector<parsers::Attachment> attachments;  ///< decoded, to keep as case documents
};

/// What kind of submission the bytes are.
enum class ItemKind { email, json };

/// Parses `raw` in a forked child under rlimits (address space, CPU, no files, no core) and a
/// wall-clock timeout. `today` is YYYY-MM-DD.
ParsedItem parse_sandboxed(const std::string& raw, ItemKind kind, const Limits& limits,
                           const std::string& today);

/// The same work in this process (the child's body; also used by tests and benchmarks).
ParsedItem parse_in_process(const std::string& raw, ItemKind kind, const Limits& limits,
                            const std::string& today);

/// Today's local date as YYYY-MM-DD.
std::string local_today();

}  // namespace casegate::daemon
