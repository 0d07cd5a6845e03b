// `casegate reval classify`: revalidation records in, one classification per doctor out,
// both as JSON lines (REVALIDATION.md, DESIGN.md "Command-line contracts").
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace casegate::reval {

/// Runs the command. `args` are the words after `reval classify`:
///   --today YYYY-MM-DD [--tis FILE] [--gmc FILE] [--actions FILE] [--history FILE]
/// A file option may be repeated; its files are read in order. Prints one JSON object per
/// doctor per line on `out`, sorted by key. Returns 0 on success and 2 on a usage error, an
/// unreadable file or a bad line (the message on `err` names the file and line). Never throws
/// for bad input.
int reval_classify_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace casegate::reval
