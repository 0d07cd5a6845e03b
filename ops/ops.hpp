// The operator's commands, so that the README's SQL recipes are commands:
//   casegate items list|show|retry|release   received items that became no case, with reasons
//   casegate outbox list|resend              notifications waiting, failed or sent
//   casegate status                          sources' last polls, backlogs, outbox, revalidation
// Changes and views of personal data (senders, recipients, a message's bytes) are for the
// default office's admins, named with --as EMAIL, and audited; `status` shows counts only.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace casegate::ops {

/// `casegate items …`, `casegate outbox …`, `casegate status …`: `args` are the words after the
/// command. Exit codes: 0 done, 1 refused (not allowed, no such item), 2 usage, 3 failure
/// (configuration or database). Never throws.
int items_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int outbox_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int status_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace casegate::ops
