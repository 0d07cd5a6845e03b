// Fuzz target for the PDF form reader: the bytes of a PDF through read_pdf_form() (PoDoFo,
// with qpdf decryption and repair) and the form evaluation, as the parse worker runs them.
// Crashes, hangs, leaks and sanitizer reports are findings.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string_view>

#include "forms/evaluate.hpp"
#include "parsers/pdf_form.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace cp = casegate::parsers;
    namespace cf = casegate::forms;
    const std::string_view raw(reinterpret_cast<const char*>(data), size);
    try {
        const cp::PdfFormOutcome pdf = cp::read_pdf_form(raw, cp::PdfLimits{});
        cf::ValidateContext ctx;
        ctx.today = "2026-11-21";
        (void)cf::evaluate_pdf(pdf, ctx);
    } catch (const std::exception&) {
    }
    return 0;
}
