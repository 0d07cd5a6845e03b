// Calls to GMC Connect over HTTPS: the SOAP envelopes of gmc_soap.hpp sent with net::http_post,
// and every answer sorted into success, refusal (shown, not retried) or retryable failure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/gmc_soap.hpp"
#include "net/curl.hpp"
#include "revalidation/actions.hpp"

namespace casegate::feeds {

struct GmcConnectSettings {
    std::string url;  ///< the service endpoint (https://, or http:// on loopback for tests)
    GmcCredentials credentials;
    GmcSoapConfig soap;
    net::HttpOptions http;
    SoapLimits limits;
};

/// The outcome of TryAddDoctor / TryRemoveDoctor.
struct GmcCallResult {
    revalidation::GmcOutcome outcome = revalidation::GmcOutcome::retryable;
    std::optional<int> return_code;  ///< nullopt: no usable answer
    std::string text;                ///< the return code's text, or what went wrong
    std::string gmc_request_id;
};

/// The outcome of GetDoctorsForDB for one DB.
struct DoctorsFetch {
    bool ok = false;  ///< ReturnCode 0 and every row readable
    /// When !ok: true for transport failures, HTTP errors, faults and unreadable responses
    /// (try again later); false when GMC answered with a refusal code (70-160: fix the
    /// configuration or the account, retrying will not help).
    bool retryable = true;
    std::optional<int> return_code;
    std::string error;
    std::string gmc_request_id;
    std::vector<revalidation::GmcDoctor> doctors;
    std::vector<std::string> defects;
};

/// GetDoctorsForDB for `designated_body`. Never throws for network or response problems.
DoctorsFetch fetch_doctors_for_db(const GmcConnectSettings& s, std::string_view designated_body,
                                  std::string_view client_request_id,
                                  std::string_view internal_user);

/// TryAddDoctor / TryRemoveDoctor. Never throws for network or response problems; throws
/// std::invalid_argument for a value XML cannot carry (see build_try_add_doctor).
GmcCallResult try_add_doctor(const GmcConnectSettings& s, const TryDoctorRequest& r);
GmcCallResult try_remove_doctor(const GmcConnectSettings& s, const TryDoctorRequest& r);

}  // namespace casegate::feeds
