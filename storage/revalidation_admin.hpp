// Revalidation data as admins and case routing read it: the stored classification of one
// doctor or of every doctor an office may see, with the doctor's name and latest GMC request,
// a doctor's programme memberships, and what a new case needs to know about its doctor.
// Every function runs inside the caller's transaction. Throws DbError.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "revalidation/model.hpp"
#include "storage/pg.hpp"

namespace casegate::storage {

/// The latest add/remove request recorded for a doctor, whatever its state.
struct LatestGmcRequest {
    std::string state;  ///< pending | sent | succeeded | refused | failed
    std::string action;
    std::string designated_body;
    std::string client_request_id;
    std::optional<int> return_code;
    std::string error;
    std::string requested_on;  ///< YYYY-MM-DD
    std::string updated_on;    ///< YYYY-MM-DD: the request's last change (sent, answered)
};

/// A row of reval_classifications read back, with what an admin sees beside it.
struct StoredDoctor {
    /// key, gmc_number, tis_person_id, list, rule, reasons, flagged, TIS/GMC DBs, visible_to
    /// and gmc_request (the failed or refused request the rules show, if any).
    revalidation::Classification classification;
    std::string name;           ///< "forenames surname" from TIS, else from GMC; may be ""
    std::string classified_on;  ///< YYYY-MM-DD: the day the rules were applied on
    std::string since;          ///< YYYY-MM-DD: list and reasons unchanged since
    std::optional<LatestGmcRequest> latest_request;
};

/// The stored classification whose key (GMC number, or TIS person id without one) is `key`.
std::optional<StoredDoctor> stored_doctor(Db& db, std::string_view key);

/// Every stored doctor that the office of `designated_body` may see (its own entry in
/// visible_to, or "*"), sorted by GMC number (doctors without one last, by key). `list`: only
/// that list; "review" also takes flagged doctors on any list. Empty `list`: every list.
std::vector<StoredDoctor> doctors_visible_to(Db& db, std::string_view designated_body,
                                             std::string_view list = {});

/// The programme memberships, past and future included, of the TIS persons holding
/// `gmc_number` in the TIS snapshot in force.
std::vector<revalidation::ProgrammeMembership> tis_memberships_of(Db& db,
                                                                  std::string_view gmc_number);

/// The client request id of an add/remove request for the doctor that is still waiting for,
/// or being retried towards, an answer from GMC (pending, sent or failed), if any.
std::optional<std::string> gmc_request_in_progress(Db& db, std::string_view gmc_number);

/// What routing a new case needs to know about its doctor.
struct DoctorRouting {
    /// DBs of the doctor's current programme memberships (start <= today <= end) in the TIS
    /// snapshot in force, the latest-starting first, without repeats or blanks.
    std::vector<std::string> current_tis_designated_bodies;
    /// The doctor's stored classification, when the rules have been run on it.
    std::optional<std::string> list;
    std::vector<std::string> reasons;
    bool flagged = false;
    std::optional<std::string> gmc_designated_body;
    std::optional<std::string> classified_on;
};

/// nullopt when casegate holds no revalidation data on `gmc_number` (no stored
/// classification and no TIS programme membership).
std::optional<DoctorRouting> doctor_routing(Db& db, std::string_view gmc_number,
                                            revalidation::Date today);

}  // namespace casegate::storage
