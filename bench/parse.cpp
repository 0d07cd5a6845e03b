// Per-item cost of parsing in the sandboxed worker (ParsePool: socket round trip, rlimits,
// seccomp, worker reuse) against parsing in this process, for the same inputs: small text
// emails, and a filled 40-field PDF form (the referral form's fields plus others).
// Prints plain "name: value" lines.
//
//   bench_parse WORKER_EXE [ITEMS]     (WORKER_EXE: the casegate binary; ITEMS default 2000)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include <podofo/podofo.h>

#include "intake/parse_worker.hpp"

namespace cd = casegate::intake;

namespace {

std::string text_referral(int i) {
    return "From: A Supervisor <a.sup@example.nhs.uk>\r\n"
           "To: referrals@example.nhs.uk\r\nSubject: Referral " + std::to_string(i) + "\r\n"
           "Message-ID: <bench-" + std::to_string(i) + "@example.nhs.uk>\r\n"
           "Date: Sat, 21 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n\r\n"
           "Doctor's full name: Siân Ní Bhriain\r\nGMC number: 1234567\r\n"
           "Your name: A Supervisor\r\nYour role: Clinical Supervisor\r\n"
           "Route: Personal\r\nType of concern: Health\r\n"
           "Details of the concern: a few lines of text describing the concern.\r\n"
           "I accept the terms and conditions: yes\r\n";
}

// A one-page PDF with 40 filled text fields: the referral form's required fields with valid
// values, and numbered extra fields to make up the count.
std::string forty_field_pdf() {
    using namespace PoDoFo;
    PdfError::EnableDebug(false);
    PdfError::EnableLogging(false);
    const std::vector<std::pair<std::string, std::string>> form = {
        {"trainee_name", "Dafydd ap Gwyn"}, {"gmc_number", "7123456"},
        {"referrer_name", "Sian Ni Bhriain"}, {"referrer_email", "sian@example.nhs.uk"},
        {"referrer_role", "Educational Supervisor"}, {"concern_route", "Personal"},
        {"concern_type", "Health"}, {"details", "Missed three on-call shifts."},
        {"terms_accepted", "yes"}};
    PdfMemDocument doc;
    PdfPage* page = doc.CreatePage(PdfPage::CreateStandardPageSize(ePdfPageSize_A4));
    for (int i = 0; i < 40; ++i) {
        PdfTextField field(page, PdfRect(40, 800 - 19.0 * i, 300, 16), &doc);
        const bool known = static_cast<std::size_t>(i) < form.size();
        field.SetFieldName(PdfString(known ? form[i].first : "extra_" + std::to_string(i)));
        field.SetText(PdfString(known ? form[i].second : "value " + std::to_string(i)));
    }
    std::ostringstream out;
    PdfOutputDevice device(&out);
    doc.Write(&device);
    return out.str();
}

struct Result {
    double per_item_us = 0;
    int ok = 0;
};

template <typename F>
Result time_items(const std::vector<std::string>& items, F&& parse) {
    Result r;
    const auto t0 = std::chrono::steady_clock::now();
    for (const auto& raw : items) {
        if (parse(raw).status == cd::ParseStatus::ok) ++r.ok;
    }
    const auto t1 = std::chrono::steady_clock::now();
    r.per_item_us = std::chrono::duration<double, std::micro>(t1 - t0).count() /
                    static_cast<double>(items.size());
    return r;
}

void report(const char* name, cd::ItemKind kind, const std::vector<std::string>& items,
            const std::string& exe) {
    const casegate::common::Limits limits;
    const std::string today = "2026-11-21";
    const Result local = time_items(items, [&](const std::string& raw) {
        return cd::parse_in_process(raw, kind, limits, today);
    });
    cd::ParsePool pool(exe, limits);
    pool.parse(items.front(), kind, today);  // start the worker outside the timing
    const Result sandboxed = time_items(items, [&](const std::string& raw) {
        return pool.parse(raw, kind, today);
    });
    std::printf("%s items: %zu (ok in process %d, ok sandboxed %d)\n", name, items.size(), local.ok,
                sandboxed.ok);
    std::printf("%s in-process per item: %.1f us\n", name, local.per_item_us);
    std::printf("%s sandboxed per item: %.1f us\n", name, sandboxed.per_item_us);
    std::printf("%s sandbox overhead per item: %.1f us\n", name,
                sandboxed.per_item_us - local.per_item_us);
    std::printf("%s workers started: %d\n", name, pool.workers_started());
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_parse WORKER_EXE [ITEMS]\n");
        return 2;
    }
    const std::string exe = argv[1];
    const int n = argc > 2 ? std::atoi(argv[2]) : 2000;
    std::vector<std::string> text;
    for (int i = 0; i < n; ++i) text.push_back(text_referral(i));
    report("text-email", cd::ItemKind::email, text, exe);
    const std::vector<std::string> pdfs(static_cast<std::size_t>(n / 4 + 1), forty_field_pdf());
    std::printf("pdf-form size: %zu bytes\n", pdfs.front().size());
    report("pdf-form-40-fields", cd::ItemKind::pdf, pdfs, exe);
    return 0;
}
