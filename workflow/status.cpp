#include "workflow/status.hpp"

#include <array>
#include <utility>

namespace casegate::workflow {

namespace {

constexpr std::array<std::pair<CaseStatus, std::string_view>, 6> kCaseNames{{
    {CaseStatus::submitted, "submitted"},
    {CaseStatus::accepted, "accepted"},
    {CaseStatus::returned, "returned"},
    {CaseStatus::under_review, "under_review"},
    {CaseStatus::closed, "closed"},
    {CaseStatus::archived, "archived"},
}};

}  // namespace

std::string_view to_string(CaseStatus s) {
    for (const auto& [status, name] : kCaseNames) {
        if (status == s) return name;
    }
    return "submitted";  // unreachable: every enumerator is in the table
}

std::string_view to_string(SubmissionStatus s) {
    return s == SubmissionStatus::complete ? "complete" : "incomplete";
}

std::optional<CaseStatus> case_status_from(std::string_view name) {
    for (const auto& [status, n] : kCaseNames) {
        if (n == name) return status;
    }
    return std::nullopt;
}

std::optional<SubmissionStatus> submission_status_from(std::string_view name) {
    if (name == "complete") return SubmissionStatus::complete;
    if (name == "incomplete") return SubmissionStatus::incomplete;
    return std::nullopt;
}

}  // namespace casegate::workflow
