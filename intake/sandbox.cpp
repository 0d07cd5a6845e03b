// SECURITY: this is the filter between hostile bytes and the machine. The worker has read its
// input pipe, and everything it will ever need from the filesystem (gconv modules, time zone,
// libxml2 state) is loaded before the filter goes on. After it: read on fd 0, write on fd 1/2,
// memory management without PROT_EXEC, time, signals for abort, exit. Opening a file fails with
// EACCES (so a lazily loaded charset degrades to "unknown charset" rather than a kill); every
// other system call kills the process, which the parent reports as a crash with SIGSYS.
#include "intake/sandbox.hpp"

#include <seccomp.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <initializer_list>

namespace casegate::intake {

namespace {

bool set_limit(int resource, rlim_t soft, rlim_t hard, const char* name, std::string& error) {
    const rlimit rl{soft, hard};
    if (setrlimit(resource, &rl) == 0) return true;
    error = std::string("cannot set ") + name + ": " + std::strerror(errno);
    return false;
}

struct FilterCtx {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
    ~FilterCtx() {
        if (ctx) seccomp_release(ctx);
    }
};

}  // namespace

bool enter_sandbox(const common::Limits& limits, std::string& error) {
    const rlim_t address_space = static_cast<rlim_t>(limits.parse_memory_mb) * 1024 * 1024;
    if (!set_limit(RLIMIT_AS, address_space, address_space, "RLIMIT_AS", error) ||
        !set_limit(RLIMIT_FSIZE, 0, 0, "RLIMIT_FSIZE", error) ||
        !set_limit(RLIMIT_CORE, 0, 0, "RLIMIT_CORE", error) ||
        !set_limit(RLIMIT_NOFILE, 8, 8, "RLIMIT_NOFILE", error) ||
        !set_limit(RLIMIT_CPU, static_cast<rlim_t>(limits.parse_timeout), RLIM_INFINITY,
                   "RLIMIT_CPU", error)) {
        return false;
    }

    FilterCtx f;
    if (f.ctx == nullptr) {
        error = "seccomp_init failed";
        return false;
    }
    int rc = 0;
    auto allow = [&](int nr) {
        if (rc == 0) rc = seccomp_rule_add(f.ctx, SCMP_ACT_ALLOW, nr, 0);
    };
    auto allow_if = [&](int nr, scmp_arg_cmp cmp) {
        if (rc == 0) rc = seccomp_rule_add(f.ctx, SCMP_ACT_ALLOW, nr, 1, cmp);
    };
    auto deny = [&](int nr, int err) {
        if (rc == 0)
            rc = seccomp_rule_add(f.ctx, SCMP_ACT_ERRNO(static_cast<std::uint32_t>(err)), nr, 0);
    };

    allow_if(SCMP_SYS(read), SCMP_A0(SCMP_CMP_EQ, 0));
    allow_if(SCMP_SYS(write), SCMP_A0(SCMP_CMP_EQ, 1));
    allow_if(SCMP_SYS(write), SCMP_A0(SCMP_CMP_EQ, 2));
    // Memory: never executable, so injected code cannot be mapped to run.
    allow_if(SCMP_SYS(mmap), SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
    allow_if(SCMP_SYS(mprotect), SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
    for (int nr : {SCMP_SYS(brk),           SCMP_SYS(munmap),       SCMP_SYS(mremap),
                   SCMP_SYS(madvise),       SCMP_SYS(futex),        SCMP_SYS(exit),
                   SCMP_SYS(exit_group),    SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask),
                   SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(getrusage),
                   SCMP_SYS(getpid),        SCMP_SYS(gettid),       SCMP_SYS(tgkill),
                   SCMP_SYS(fstat),         SCMP_SYS(newfstatat),   SCMP_SYS(lseek),
                   SCMP_SYS(getrandom),     SCMP_SYS(close)}) {
        allow(nr);
    }
    // Raising the CPU soft limit up to the hard limit per item (limit_cpu_for_next_item).
    allow_if(SCMP_SYS(prlimit64), SCMP_A0(SCMP_CMP_EQ, 0));
    for (int nr : {SCMP_SYS(open), SCMP_SYS(openat)}) deny(nr, EACCES);
    if (rc != 0) {
        error = std::string("seccomp rule: ") + std::strerror(-rc);
        return false;
    }
    rc = seccomp_load(f.ctx);
    if (rc != 0) {
        error = std::string("seccomp_load: ") + std::strerror(-rc);
        return false;
    }
    return true;
}

void limit_cpu_for_next_item(int seconds) {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    const rlim_t used = static_cast<rlim_t>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + 1;
    const rlimit rl{used + static_cast<rlim_t>(seconds), RLIM_INFINITY};
    setrlimit(RLIMIT_CPU, &rl);
}

}  // namespace casegate::intake
