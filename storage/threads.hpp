// What threading needs from the database: the case or submission a reference names, completing
// an incomplete submission under its own reference, and the open case a referral repeats.
// Every function runs inside the caller's transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "storage/cases.hpp"
#include "storage/pg.hpp"

namespace casegate::storage {

/// The submission a reference names, with its case when it opened one.
struct ThreadTarget {
    std::int64_t submission_id = 0;
    workflow::SubmissionStatus submission_status = workflow::SubmissionStatus::incomplete;
    std::string fields_json, missing_json, errors_json, notes_json;
    std::string sender_email;  ///< the address the submission came from ("" for none)
    std::optional<std::int64_t> case_id;
    std::string case_status;  ///< "" without a case
    std::string office;       ///< the case's local office ("" without a case)
    std::string referrer_email;
    std::string case_manager;
};

/// Locks and loads the submission named `reference` (FOR UPDATE), or nullopt.
std::optional<ThreadTarget> find_thread_target(Db& db, const std::string& reference);

/// Stores what an answer made of an incomplete submission that is still incomplete.
void update_submission(Db& db, std::int64_t submission_id, const std::string& fields_json,
                       const std::string& missing_json, const std::string& errors_json,
                       const std::string& notes_json);

/// Opens the case of a submission that an answer completed, under the submission's own
/// reference; the submission becomes complete with the merged fields and is linked to it.
/// Returns the case's id.
std::int64_t complete_submission(Db& db, std::int64_t submission_id, const std::string& reference,
                                 const CaseRow& c, const std::string& fields_json,
                                 const std::string& notes_json);

/// An open case (not closed) with the same doctor, referrer (ignoring case) and details
/// (ignoring white space): the one a repeated referral belongs to.
struct OpenCase {
    std::int64_t id = 0;
    std::string reference;
    std::string office;
    std::string case_manager;
};
std::optional<OpenCase> find_repeated_case(Db& db, const std::string& gmc_number,
                                           const std::string& referrer_email,
                                           const std::string& details);

/// Notes the reference a message named on its inbound item (deferred).
void set_thread_reference(Db& db, std::int64_t item_id, const std::string& reference);

}  // namespace casegate::storage
