// Fuzz target for the MIME path: the bytes of an email through parse_email() and the form
// evaluation, as the parse worker runs them. Exceptions are part of the contract (the worker
// turns them into a reason); crashes, hangs, leaks and sanitizer reports are findings.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string_view>

#include "forms/evaluate.hpp"
#include "parsers/email.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace cp = casegate::parsers;
    namespace cf = casegate::forms;
    const std::string_view raw(reinterpret_cast<const char*>(data), size);
    try {
        cp::MimeLimits limits;
        limits.max_message_bytes = 1024 * 1024;
        const cp::EmailOutcome out = cp::parse_email(raw, limits);
        if (out.ok) {
            cf::ValidateContext ctx;
            ctx.today = "2026-11-21";
            ctx.default_referrer_email = out.email.from_address;
            (void)cf::evaluate_email(out.email, ctx);
        }
    } catch (const std::exception&) {
    }
    return 0;
}
