// Building GMC Connect requests, and the small pure helpers around them.
//
// SECURITY: the values put into envelopes come from casegate's own records and configuration
// (GMC numbers already checked, DB codes, admin names, credentials); they are still escaped,
// and characters XML cannot carry are refused rather than dropped, so a request never says
// something other than what was asked.
#include "feeds/gmc_soap.hpp"

#include <array>
#include <cstdio>
#include <stdexcept>

#include "util/random.hpp"

namespace casegate::feeds {
namespace {

constexpr std::string_view soap_env_ns = "http://schemas.xmlsoap.org/soap/envelope/";

void append_escaped(std::string& out, std::string_view element, std::string_view text) {
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        switch (ch) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            case '\r':
                out += "&#13;";
                break;  // kept: a literal CR would be normalised away
            default:
                if (c < 0x20 && ch != '\t' && ch != '\n') {
                    throw std::invalid_argument("cannot put a control character into <" +
                                                std::string(element) + ">");
                }
                out += ch;
        }
    }
}

struct Element {
    std::string_view name;
    std::string value;
};

// <Operation xmlns=NS><wrapper>fields…</wrapper><username/><password/></Operation> inside a
// SOAP 1.1 envelope.
SoapCall envelope(std::string_view operation, std::string_view wrapper,
                  const std::vector<Element>& fields, const GmcCredentials& c,
                  const GmcSoapConfig& cfg) {
    SoapCall call;
    call.operation = std::string(operation);
    call.soap_action = cfg.soap_action_base.empty() ? "" : cfg.soap_action_base + call.operation;
    std::string& x = call.envelope;
    x += "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
    x += "<soap:Envelope xmlns:soap=\"";
    x += soap_env_ns;
    x += "\">\n  <soap:Body>\n    <";
    x += operation;
    x += " xmlns=\"";
    append_escaped(x, "xmlns", cfg.service_namespace);
    x += "\">\n      <";
    x += wrapper;
    x += ">\n";
    auto put = [&x](std::string_view indent, std::string_view name, std::string_view value) {
        x += indent;
        x += '<';
        x += name;
        x += '>';
        append_escaped(x, name, value);
        x += "</";
        x += name;
        x += ">\n";
    };
    for (const Element& f : fields) put("        ", f.name, f.value);
    x += "      </";
    x += wrapper;
    x += ">\n";
    put("      ", "username", c.username);
    put("      ", "password", c.password);
    x += "    </";
    x += operation;
    x += ">\n  </soap:Body>\n</soap:Envelope>\n";
    return call;
}

SoapCall try_doctor(std::string_view operation, std::string_view wrapper, const TryDoctorRequest& r,
                    const GmcCredentials& c, const GmcSoapConfig& cfg) {
    return envelope(operation, wrapper,
                    {{"GMCReferenceNumber", r.gmc_number},
                     {"DesignatedBodyCode", r.designated_body},
                     {"ChangeReason", std::to_string(r.reason_code)},
                     {"ClientRequestID", r.client_request_id},
                     {"InternalUser", r.internal_user}},
                    c, cfg);
}

}  // namespace

SoapCall build_get_doctors_for_db(const GetDoctorsForDbRequest& r, const GmcCredentials& c,
                                  const GmcSoapConfig& cfg) {
    return envelope("GetDoctorsForDB", "getDoctorsForDBRequest",
                    {{"DesignatedBodyCode", r.designated_body},
                     {"ClientRequestID", r.client_request_id},
                     {"InternalUser", r.internal_user}},
                    c, cfg);
}

SoapCall build_try_add_doctor(const TryDoctorRequest& r, const GmcCredentials& c,
                              const GmcSoapConfig& cfg) {
    return try_doctor("TryAddDoctor", "tryAddDoctorRequest", r, c, cfg);
}

SoapCall build_try_remove_doctor(const TryDoctorRequest& r, const GmcCredentials& c,
                                 const GmcSoapConfig& cfg) {
    return try_doctor("TryRemoveDoctor", "tryRemoveDoctorRequest", r, c, cfg);
}

std::string_view gmc_return_code_text(int code) {
    switch (code) {
        case 0:
            return "Success";
        case 70:
            return "Missing or invalid GMC reference number";
        case 80:
            return "Missing or invalid designated body code";
        case 81:
            return "This account has no access to the designated body";
        case 90:
            return "The doctor is not subject to revalidation";
        case 98:
            return "GMC Connect internal error";
        case 99:
            return "Invalid credentials (user name, password or IP address)";
        case 100:
            return "The doctor is already associated with the designated body";
        case 110:
            return "Missing internal user";
        case 120:
            return "Missing or invalid change reason";
        case 140:
            return "The doctor is not associated with the designated body";
        case 160:
            return "The doctor's designated body history is locked: contact the GMC "
                   "revalidation team";
        default:
            return "";
    }
}

std::string new_client_request_id() {
    return util::random_uuid();
}

std::string_view to_string(SoapError e) {
    switch (e) {
        case SoapError::none:
            return "none";
        case SoapError::too_large:
            return "too_large";
        case SoapError::malformed:
            return "malformed";
        case SoapError::fault:
            return "fault";
        case SoapError::missing_return_code:
            return "missing_return_code";
        case SoapError::bad_value:
            return "bad_value";
        case SoapError::too_many_rows:
            return "too_many_rows";
    }
    return "unknown";
}

std::optional<revalidation::Date> parse_gmc_date(std::string_view t) {
    if (t.size() != 10 || t[2] != '/' || t[5] != '/') return std::nullopt;
    std::string iso;
    iso.reserve(10);
    iso.append(t.substr(6, 4))
        .append("-")
        .append(t.substr(3, 2))
        .append("-")
        .append(t.substr(0, 2));
    return revalidation::Date::parse(iso);  // checks digits and that the day exists
}

}  // namespace casegate::feeds
