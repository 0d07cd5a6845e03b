// Fuzz target for the web path: the bytes of a web submission (a flat object of fields, or the
// form service's shape with base64 documents) through evaluate_json() and the `casegate parse`
// line, as the parse worker and the command run them. evaluate_json promises a verdict with a
// reason for anything, so an exception here is a finding too, as are crashes, hangs, leaks and
// sanitizer reports.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "forms/evaluate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace cf = casegate::forms;
    const std::string_view raw(reinterpret_cast<const char*>(data), size);
    cf::ValidateContext ctx;
    ctx.today = "2026-12-03";
    std::vector<casegate::parsers::Attachment> documents;
    const cf::Evaluation e = cf::evaluate_json(raw, ctx, &documents);
    (void)cf::to_parse_json("fuzz.json", e);
    return 0;
}
