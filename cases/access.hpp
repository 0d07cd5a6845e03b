// Inside cases/: who may see a case or an incomplete submission, shared by the changes
// (service.cpp) and the readers (reading.cpp).
#pragma once

#include <string>
#include <string_view>

#include "cases/service.hpp"

namespace casegate::cases::detail {

/// What the rules need to know of a stored case.
workflow::CaseFacts facts_of(const storage::StoredCase& c);

/// The office an incomplete submission (no case yet) belongs to: the configured office it
/// names, else the default office.
std::string office_of(const common::Config& cfg, const storage::StoredSubmission& sub);

/// Whether an incomplete submission is the member's to see: the admins of its office, and
/// those of the default office (where every submission without a usable office goes).
bool can_see_submission(const common::Config& cfg, const Staff& s,
                        const storage::StoredSubmission& sub);

/// The refusal for an email that is not a member of staff.
Outcome unknown_staff(std::string_view email, std::string_view reference);

}  // namespace casegate::cases::detail
