// GMC Connect over HTTP. SOAP 1.1 faults arrive with HTTP 500, so the body is read whatever
// the status; only a parsed ReturnCode from a 200 response counts as GMC's answer.
#include "feeds/gmc_client.hpp"

#include <algorithm>

namespace casegate::feeds {
namespace {

namespace rv = revalidation;

net::HttpResponse post(const GmcConnectSettings& s, const SoapCall& call) {
    std::vector<std::string> headers{"SOAPAction: \"" + call.soap_action + "\""};
    net::HttpOptions http = s.http;
    http.max_response_bytes = std::min(http.max_response_bytes, s.limits.max_response_bytes);
    return net::http_post(s.url, call.envelope, "text/xml; charset=utf-8", headers, http);
}

// Why an HTTP exchange gave no usable SOAP answer, or "" when it did.
std::string transport_problem(const net::HttpResponse& r, SoapError parse_error,
                              const std::string& parse_message) {
    if (!r.ok) return "GMC Connect not reached: " + r.error;
    if (parse_error == SoapError::fault) return parse_message;
    if (r.status != 200) return "GMC Connect answered HTTP " + std::to_string(r.status);
    if (parse_error != SoapError::none) return "unreadable GMC Connect response: " + parse_message;
    return {};
}

GmcCallResult try_doctor(const GmcConnectSettings& s, const SoapCall& call) {
    GmcCallResult out;
    const net::HttpResponse r = post(s, call);
    TryDoctorResponse parsed;
    if (r.ok) parsed = parse_try_doctor(r.body, call.operation, s.limits);
    if (std::string problem = transport_problem(r, parsed.error, parsed.message);
        !problem.empty()) {
        out.text = std::move(problem);
        return out;  // retryable, no return code
    }
    out.return_code = parsed.return_code;
    out.gmc_request_id = parsed.gmc_request_id;
    out.outcome = rv::gmc_outcome(out.return_code);
    const std::string_view known = gmc_return_code_text(*parsed.return_code);
    out.text = known.empty() ? "GMC return code " + std::to_string(*parsed.return_code)
                             : std::string(known);
    return out;
}

}  // namespace

DoctorsFetch fetch_doctors_for_db(const GmcConnectSettings& s, std::string_view designated_body,
                                  std::string_view client_request_id,
                                  std::string_view internal_user) {
    DoctorsFetch out;
    const SoapCall call = build_get_doctors_for_db(
        {std::string(designated_body), std::string(client_request_id), std::string(internal_user)},
        s.credentials, s.soap);
    const net::HttpResponse r = post(s, call);
    DoctorsForDbResponse parsed;
    if (r.ok) parsed = parse_get_doctors_for_db(r.body, designated_body, s.limits);
    if (std::string problem = transport_problem(r, parsed.error, parsed.message);
        !problem.empty()) {
        out.error = std::move(problem);
        return out;
    }
    out.return_code = parsed.return_code;
    out.gmc_request_id = parsed.gmc_request_id;
    if (*parsed.return_code != 0) {
        const std::string_view known = gmc_return_code_text(*parsed.return_code);
        out.error = "GetDoctorsForDB for " + std::string(designated_body) + " returned " +
                    std::to_string(*parsed.return_code) +
                    (known.empty() ? std::string() : " (" + std::string(known) + ")");
        out.retryable = rv::gmc_outcome(parsed.return_code) != rv::GmcOutcome::refused;
        return out;
    }
    out.ok = true;
    out.retryable = false;
    out.doctors = std::move(parsed.doctors);
    out.defects = std::move(parsed.defects);
    return out;
}

GmcCallResult try_add_doctor(const GmcConnectSettings& s, const TryDoctorRequest& r) {
    return try_doctor(s, build_try_add_doctor(r, s.credentials, s.soap));
}

GmcCallResult try_remove_doctor(const GmcConnectSettings& s, const TryDoctorRequest& r) {
    return try_doctor(s, build_try_remove_doctor(r, s.credentials, s.soap));
}

}  // namespace casegate::feeds
