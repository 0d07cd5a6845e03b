// GMC Connect's SOAP 1.1 operations: GetDoctorsForDB (the doctors connected to a designated
// body), TryAddDoctor and TryRemoveDoctor. Requests are built as text; responses are parsed
// with libxml2 (gmc_soap_parse.cpp), matching elements by local name so that any namespace
// prefix GMC's toolkit chooses is accepted.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "revalidation/model.hpp"

namespace casegate::feeds {

struct GmcCredentials {
    std::string username;
    std::string password;  ///< sent in the SOAP body, as GMC Connect asks; never logged
};

/// Names that come from GMC's WSDL rather than from code.
struct GmcSoapConfig {
    /// Namespace of the operation elements. The default is the one the test server speaks;
    /// set it (and soap_action_base) from the WSDL GMC issues with the account.
    std::string service_namespace = "urn:casegate:gmc-connect";
    /// SOAPAction header = soap_action_base + operation name ("" sends an empty action).
    std::string soap_action_base = "urn:casegate:gmc-connect/";
};

struct GetDoctorsForDbRequest {
    std::string designated_body;  ///< DesignatedBodyCode, e.g. "1-1RSSQ05"
    std::string client_request_id;
    std::string internal_user;  ///< who asks (a service account name for the nightly pull)
};

struct TryDoctorRequest {
    std::string gmc_number;
    std::string designated_body;
    int reason_code = 0;  ///< ChangeReason: add 1-2, remove 1-3 (revalidation/actions.hpp)
    std::string client_request_id;
    std::string internal_user;  ///< the admin who asked
};

/// A request ready to POST: the envelope and the SOAPAction header value.
struct SoapCall {
    std::string operation;  ///< "GetDoctorsForDB", "TryAddDoctor", "TryRemoveDoctor"
    std::string soap_action;
    std::string envelope;
};

/// Build the envelopes. Text is XML-escaped; a value holding a character XML 1.0 cannot carry
/// (a control character other than tab, CR, LF) throws std::invalid_argument naming the element.
SoapCall build_get_doctors_for_db(const GetDoctorsForDbRequest& r, const GmcCredentials& c,
                                  const GmcSoapConfig& cfg = {});
SoapCall build_try_add_doctor(const TryDoctorRequest& r, const GmcCredentials& c,
                              const GmcSoapConfig& cfg = {});
SoapCall build_try_remove_doctor(const TryDoctorRequest& r, const GmcCredentials& c,
                                 const GmcSoapConfig& cfg = {});

/// Text of a GMC Connect return code (from NHS England's TIS revalidation services), or ""
/// for a code GMC does not document.
std::string_view gmc_return_code_text(int code);

/// A fresh ClientRequestID: a random UUID (version 4) in lower-case hex.
std::string new_client_request_id();

/// Limits on a response before and while it is parsed.
struct SoapLimits {
    std::size_t max_response_bytes = 128UL * 1024 * 1024;
    std::size_t max_rows = 250000;  ///< GetDoctorsForDB rows; a DB has at most tens of thousands
};

enum class SoapError {
    none,
    too_large,            ///< over max_response_bytes
    malformed,            ///< not XML, not a SOAP envelope, a DTD, not the expected response
    fault,                ///< a SOAP Fault (faultcode and faultstring in the message)
    missing_return_code,  ///< no ReturnCode element
    bad_value,            ///< an element whose text is unusable (names the element and row)
    too_many_rows,        ///< over max_rows
};
std::string_view to_string(SoapError e);

/// The parsed GetDoctorsForDB response. On error, `message` says what and where, and the
/// other fields hold whatever was read before it.
struct DoctorsForDbResponse {
    SoapError error = SoapError::none;
    std::string message;
    std::optional<int> return_code;
    std::string client_request_id;
    std::string gmc_request_id;
    std::vector<revalidation::GmcDoctor> doctors;  ///< tagged with the DB asked
    std::vector<std::string> defects;  ///< readable but odd values (e.g. an unknown DoctorStatus)

    bool ok() const { return error == SoapError::none; }
};

/// The parsed TryAddDoctor / TryRemoveDoctor response.
struct TryDoctorResponse {
    SoapError error = SoapError::none;
    std::string message;
    std::optional<int> return_code;
    std::string client_request_id;
    std::string gmc_request_id;

    bool ok() const { return error == SoapError::none; }
};

/// Parses a GetDoctorsForDB response. Rows become GmcDoctor records tagged with
/// `designated_body`; dates dd/MM/yyyy become Date (an empty date element is absent, any other
/// text is a bad_value error naming the element); DoctorStatus becomes the licence. Never
/// throws for bad input (std::bad_alloc only).
DoctorsForDbResponse parse_get_doctors_for_db(std::string_view xml,
                                              std::string_view designated_body,
                                              const SoapLimits& limits = {});

/// Parses the response of `operation` ("TryAddDoctor" or "TryRemoveDoctor").
TryDoctorResponse parse_try_doctor(std::string_view xml, std::string_view operation,
                                   const SoapLimits& limits = {});

/// Reads "dd/MM/yyyy" (a day that exists) as a Date; nullopt otherwise.
std::optional<revalidation::Date> parse_gmc_date(std::string_view text);

}  // namespace casegate::feeds
