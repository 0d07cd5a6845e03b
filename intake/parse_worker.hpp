// Parsing untrusted bytes in a child process: the parent sends nothing but the bytes and gets
// back the evaluation, so a crash, a hang or a runaway allocation in a parser costs one child,
// never the daemon or the other items.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/config.hpp"
#include "forms/evaluate.hpp"
#include "parsers/email.hpp"

namespace casegate::intake {

enum class ParseStatus {
    ok,           ///< evaluation holds the result
    unreadable,   ///< the parser refused the bytes (a limit or a structural error): final
    failed,       ///< the child crashed, timed out or hit a resource limit: may be retried
    unavailable,  ///< no worker could be started or sandboxed: not the item's fault, try later
};

struct ParsedItem {
    ParseStatus status = ParseStatus::failed;
    std::string reason;  ///< for unreadable and failed
    std::string limit;   ///< the limit an unreadable item broke ("max_depth"), "" otherwise
    forms::Evaluation evaluation;
    std::vector<parsers::Attachment> attachments;  ///< decoded, to keep as case documents
};

/// What kind of submission the bytes are.
enum class ItemKind { email, json, pdf };

/// The running binary, for starting parse workers.
inline constexpr const char* kSelfExe = "/proc/self/exe";

/// Parses untrusted bytes in a separate, sandboxed worker process (`casegate parse-worker`,
/// see sandbox.hpp) that is reused from item to item. The parent sends the bytes and gets back
/// the evaluation; a crash, a timeout or a limit hit costs the worker, which is replaced on the
/// next item, and comes back as ParseStatus::failed with the reason.
class ParsePool {
  public:
    /// `worker_exe` is the casegate binary (in the daemon: /proc/self/exe).
    ParsePool(std::string worker_exe, const common::Limits& limits);
    ~ParsePool();
    ParsePool(const ParsePool&) = delete;
    ParsePool& operator=(const ParsePool&) = delete;

    /// `today` is YYYY-MM-DD.
    ParsedItem parse(const std::string& raw, ItemKind kind, const std::string& today);

    /// Workers started so far, and how many of them ended by a crash, timeout or limit.
    int workers_started() const { return started_; }
    int workers_lost() const { return lost_; }
    /// The running worker's process id, or -1 when none is running.
    int worker_pid() const { return pid_; }

    /// Items a worker serves before it is replaced (bounds any slow leak or fragmentation; its
    /// address space is limited anyway). Starting one costs about 30 ms (exec, then loading
    /// and warming the parsers), so replacing it every 500 items cost 60 µs per item.
    static constexpr int kItemsPerWorker = 5000;

  private:
    bool start(std::string& error);
    /// Ends the worker: politely (close its input, wait briefly) or with SIGKILL.
    int stop(bool kill_now);

    std::string exe_;
    common::Limits limits_;
    int pid_ = -1;
    int fd_ = -1;
    int served_ = 0;
    int started_ = 0;
    int lost_ = 0;
};

/// Workers lost (crash, timeout, limit) by every pool of this process since it started.
std::int64_t parse_workers_lost_total();

/// The worker's side: `casegate parse-worker LIMITS…` with the pool's socket on fds 0 and 1.
/// Prepares the parsers, enters the sandbox, then serves requests until its input closes.
int parse_worker_main(int argc, char** argv);

/// The same work in this process (the child's body; also used by tests and benchmarks).
ParsedItem parse_in_process(const std::string& raw, ItemKind kind, const common::Limits& limits,
                            const std::string& today);

}  // namespace casegate::intake
