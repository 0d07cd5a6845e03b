// The confinement of a parse worker: resource limits and a seccomp allow-list. Once entered it
// cannot be left; the process may then only compute, use memory and talk on its stdin/stdout.
#pragma once

#include <string>

#include "common/config.hpp"

namespace casegate::intake {

/// Applies the rlimits (address space, file size 0, no core, few open files, no new
/// processes) and then the seccomp filter. Returns false with a reason when either fails;
/// the caller must then not parse anything.
bool enter_sandbox(const common::Limits& limits, std::string& error);

/// Gives the current item `seconds` more CPU time (RLIMIT_CPU soft limit relative to the CPU
/// already used); SIGXCPU ends the worker when they run out.
void limit_cpu_for_next_item(int seconds);

}  // namespace casegate::intake
