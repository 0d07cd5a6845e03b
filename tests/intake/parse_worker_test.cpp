// The sandboxed parse: results cross the socket intact, the worker is reused, and hostile
// input, crashes, hangs and forbidden system calls end as a reason, never as a lost caller.
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include "intake/item_codec.hpp"
#include "intake/parse_worker.hpp"
#include "intake/sandbox.hpp"

using namespace casegate::intake;
using casegate::common::Limits;

namespace {
const std::string kWorker = std::string(CASEGATE_BINARY_DIR) + "/daemon/casegate";
const char* kReferral =
    "From: A Supervisor <a.sup@x.nhs.uk>\r\nSubject: referral\r\nMessage-ID: <m1@x.nhs.uk>\r\n"
    "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
    "Doctor's full name: Ann Other\r\nGMC number: 1234567\r\nYour name: A Supervisor\r\n"
    "Your role: Clinical Supervisor\r\nRoute: Personal\r\nType of concern: Health\r\n"
    "Details of the concern: text\r\nI accept the terms and conditions: yes\r\n"
    "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"n.bin\"\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\nAAECAwQ=\r\n--b--\r\n";
}

BOOST_AUTO_TEST_SUITE(parse_worker)

// The child's evaluation and attachment bytes reach the parent unchanged.
BOOST_AUTO_TEST_CASE(sandboxed_result_matches_in_process) {
    const Limits limits;
    const ParsedItem local = parse_in_process(kReferral, ItemKind::email, limits, "2026-11-21");
    ParsePool pool(kWorker, limits);
    const ParsedItem child = pool.parse(kReferral, ItemKind::email, "2026-11-21");
    BOOST_REQUIRE(child.status == ParseStatus::ok);
    BOOST_TEST((child.evaluation.verdict == casegate::forms::Verdict::complete));
    BOOST_TEST(child.evaluation.referral.text("gmc_number") == "1234567");
    BOOST_TEST(child.evaluation.message_id == "m1@x.nhs.uk");
    BOOST_REQUIRE_EQUAL(child.attachments.size(), 1u);
    BOOST_TEST(child.attachments[0].data == std::string("\0\1\2\3\4", 5));
    BOOST_TEST(local.evaluation.referral.fields.size() == child.evaluation.referral.fields.size());
}

// A MIME nesting bomb is refused by the parser's depth limit, naming the limit.
BOOST_AUTO_TEST_CASE(depth_bomb_is_unreadable_with_reason) {
    std::string raw = "From: x@y\r\n";
    for (int i = 0; i < 5000; ++i) {
        raw += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\r\n\r\n--b" + std::to_string(i) + "\r\n";
    }
    ParsePool pool(kWorker, Limits{});
    const ParsedItem p = pool.parse(raw, ItemKind::email, "2026-11-21");
    BOOST_TEST((p.status == ParseStatus::unreadable || p.status == ParseStatus::failed));
    BOOST_TEST(p.reason.find("max_depth") != std::string::npos, "reason: " << p.reason);
}

// A worker that runs out of its address space is reported as failed, not fatal to the caller.
BOOST_AUTO_TEST_CASE(memory_limit_is_contained) {
    Limits tight;
    tight.parse_memory_mb = 64;
    tight.max_message_bytes = 200 * 1024 * 1024;
    const std::string big(100 * 1024 * 1024, 'a');
    ParsePool pool(kWorker, tight);
    const ParsedItem p = pool.parse("Subject: x\r\n\r\n" + big, ItemKind::email, "2026-11-21");
    BOOST_TEST((p.status == ParseStatus::failed), "status " << static_cast<int>(p.status));
    BOOST_TEST((p.reason.find("bad_alloc") != std::string::npos ||
                p.reason.find("crashed") != std::string::npos),
               "reason: " << p.reason);
    // The worker that ran out is replaced and the next item parses.
    const ParsedItem next = pool.parse(kReferral, ItemKind::email, "2026-11-21");
    BOOST_TEST((next.status == ParseStatus::ok), next.reason);
    BOOST_TEST(pool.workers_started() == 2);
}

// A malformed or truncated reply from a worker is a failure with a reason.
BOOST_AUTO_TEST_CASE(malformed_reply_is_a_failure) {
    ParsedItem ok;
    ok.status = ParseStatus::ok;
    std::string bytes = encode_item(ok);
    ParsedItem back;
    BOOST_TEST(decode_item(bytes, back));
    BOOST_TEST(!decode_item(bytes.substr(0, bytes.size() - 1), back));
    BOOST_TEST((back.status == ParseStatus::failed));
    BOOST_TEST(back.reason.find("malformed") != std::string::npos);
    BOOST_TEST(!decode_item(std::string(8, '\xff'), back));
}

// One worker serves many items; the results do not leak from one item into the next.
BOOST_AUTO_TEST_CASE(worker_is_reused_between_items) {
    ParsePool pool(kWorker, Limits{});
    for (int i = 0; i < 20; ++i) {
        const ParsedItem p = pool.parse(i % 2 ? kReferral : "From: a@b\r\nSubject: hi\r\n\r\nhello\r\n",
                                        ItemKind::email, "2026-11-21");
        BOOST_REQUIRE((p.status == ParseStatus::ok));
        BOOST_TEST((p.evaluation.verdict == (i % 2 ? casegate::forms::Verdict::complete
                                                   : casegate::forms::Verdict::not_a_referral)));
        BOOST_TEST(p.attachments.size() == (i % 2 ? 1u : 0u));
    }
    BOOST_TEST(pool.workers_started() == 1);
    BOOST_TEST(pool.workers_lost() == 0);
}

// Web-form JSON goes through the same worker.
BOOST_AUTO_TEST_CASE(json_is_parsed_in_the_worker) {
    ParsePool pool(kWorker, Limits{});
    const ParsedItem p = pool.parse(R"({"trainee_name":"Siân Ní Bhriain","gmc_number":"7654321"})",
                                    ItemKind::json, "2026-11-21");
    BOOST_REQUIRE((p.status == ParseStatus::ok));
    BOOST_TEST((p.evaluation.channel == casegate::forms::Channel::web));
    BOOST_TEST(p.evaluation.referral.text("trainee_name") == "Siân Ní Bhriain");
}

// Charsets loaded before the filter went on still convert inside the sandbox.
BOOST_AUTO_TEST_CASE(charsets_convert_inside_the_sandbox) {
    ParsePool pool(kWorker, Limits{});
    const std::string raw =
        "From: a@b\r\nSubject: x\r\nContent-Type: text/plain; charset=koi8-r\r\n\r\n"
        "Doctor's full name: \xf0\xc5\xd4\xd2\r\n";
    const ParsedItem p = pool.parse(raw, ItemKind::email, "2026-11-21");
    BOOST_REQUIRE_MESSAGE((p.status == ParseStatus::ok), p.reason);
    BOOST_TEST(p.evaluation.referral.text("trainee_name") == "\xd0\x9f\xd0\xb5\xd1\x82\xd1\x80");
}

// A worker that dies mid-item (here: killed from outside, as a crash would end it) is reported
// with the signal and replaced; the next item is parsed by a fresh worker.
BOOST_AUTO_TEST_CASE(crashed_worker_is_reported_and_replaced) {
    Limits limits;
    limits.parse_timeout = 20;
    ParsePool pool(kWorker, limits);
    BOOST_REQUIRE((pool.parse(kReferral, ItemKind::email, "2026-11-21").status == ParseStatus::ok));
    BOOST_REQUIRE(pool.worker_pid() > 0);
    kill(pool.worker_pid(), SIGSEGV);
    const ParsedItem p = pool.parse(kReferral, ItemKind::email, "2026-11-21");
    BOOST_TEST((p.status == ParseStatus::failed));
    BOOST_TEST(p.reason.find("signal 11") != std::string::npos, "reason: " << p.reason);
    const ParsedItem again = pool.parse(kReferral, ItemKind::email, "2026-11-21");
    BOOST_TEST((again.status == ParseStatus::ok), again.reason);
    BOOST_TEST(pool.workers_lost() == 1);
    BOOST_TEST(pool.workers_started() == 2);
}

// A worker that never answers is killed at the wall-clock limit and the caller gets a reason.
BOOST_AUTO_TEST_CASE(hung_worker_times_out) {
    Limits limits;
    limits.parse_timeout = 1;
    ParsePool pool(kWorker, limits);
    BOOST_REQUIRE((pool.parse(kReferral, ItemKind::email, "2026-11-21").status == ParseStatus::ok));
    BOOST_REQUIRE(pool.worker_pid() > 0);
    kill(pool.worker_pid(), SIGSTOP);  // alive, holding its socket, doing nothing
    const ParsedItem p = pool.parse(kReferral, ItemKind::email, "2026-11-21");
    BOOST_TEST((p.status == ParseStatus::failed));
    BOOST_TEST(p.reason.find("timed out after 1 s") != std::string::npos, "reason: " << p.reason);
    BOOST_TEST((pool.parse(kReferral, ItemKind::email, "2026-11-21").status == ParseStatus::ok));
}

// Inside the sandbox, opening a file is refused and any other forbidden call kills the worker.
// `casegate parse-worker` is run directly with a request that makes it exit normally; then the
// filter is checked by a probe child that enters the same sandbox and tries to make a socket.
BOOST_AUTO_TEST_CASE(sandbox_forbids_network_and_files) {
    const pid_t pid = fork();
    BOOST_REQUIRE(pid >= 0);
    if (pid == 0) {
        std::string error;
        if (!enter_sandbox(Limits{}, error)) _exit(10);
        if (open("/etc/passwd", O_RDONLY) >= 0 || errno != EACCES) _exit(11);
        (void)!socket(AF_INET, SOCK_STREAM, 0);  // must not return
        _exit(12);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    BOOST_TEST(WIFSIGNALED(status), "exit status " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1));
    BOOST_TEST((WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS));
}

// A worker that cannot be started is the machine's problem, not the item's: "unavailable",
// which the pipeline does not count as an attempt against the item.
BOOST_AUTO_TEST_CASE(worker_that_cannot_start_is_unavailable) {
    ParsePool pool("/nonexistent/casegate", Limits{});
    const ParsedItem p = pool.parse(kReferral, ItemKind::email, "2026-11-21");
    BOOST_TEST((p.status == ParseStatus::unavailable));
    BOOST_TEST(p.reason.find("could not be started") != std::string::npos, p.reason);
}

// Something too large for the worker is refused before any parser sees it, naming the limit.
BOOST_AUTO_TEST_CASE(oversized_input_is_refused_naming_the_limit) {
    Limits limits;
    limits.max_message_bytes = 64 * 1024;
    ParsePool pool(kWorker, limits);
    const ParsedItem p = pool.parse(std::string(65 * 1024, 'x'), ItemKind::email, "2026-11-21");
    BOOST_TEST((p.status == ParseStatus::unreadable));
    BOOST_TEST(p.reason.find("max_message_bytes") != std::string::npos, p.reason);
    BOOST_TEST(p.limit == "max_message_bytes");
    BOOST_TEST(pool.workers_started() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
