// The statuses of a case and of a submission (FORM.md "Case statuses", seed 001 CM-3), as
// types rather than strings. Pure: no database, network or HTTP header.
#pragma once

#include <optional>
#include <string_view>

namespace casegate::workflow {

/// submitted → accepted | returned; accepted → under_review → closed; closed → archived;
/// reopened to under_review.
enum class CaseStatus { submitted, accepted, returned, under_review, closed, archived };

/// A submission is complete (it opened a case) or incomplete (kept, the referrer asked for
/// what is missing).
enum class SubmissionStatus { complete, incomplete };

/// The name stored in the database and printed by the command line ("under_review").
std::string_view to_string(CaseStatus s);
std::string_view to_string(SubmissionStatus s);

/// The status named `name`, or nullopt for anything else.
std::optional<CaseStatus> case_status_from(std::string_view name);
std::optional<SubmissionStatus> submission_status_from(std::string_view name);

}  // namespace casegate::workflow
