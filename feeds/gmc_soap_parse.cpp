// GMC Connect responses → values, with libxml2. The only file of feeds/ that includes it.
//
// SECURITY: a response is untrusted bytes from the network. It is size-checked before
// parsing; libxml2 runs with network access off, no entity substitution and its default
// (non-huge) limits on depth and text size; a document with a DTD is refused (SOAP forbids
// one, and refusing it rules out entity tricks). Elements are matched by local name only.
// DIAGNOSTICS: the first problem ends the parse with a SoapError and a message naming the
// element (and the row, for GetDoctorsForDB); odd but readable values go to `defects`.
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cctype>
#include <climits>
#include <cstring>
#include <memory>

#include "feeds/gmc_soap.hpp"

namespace casegate::feeds {
namespace {

namespace rv = revalidation;

struct DocDeleter {
    void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocDeleter>;

bool named(const xmlNode* n, std::string_view local) {
    return n && n->type == XML_ELEMENT_NODE &&
           std::string_view(reinterpret_cast<const char*>(n->name)) == local;
}

std::string_view local_name(const xmlNode* n) {
    return reinterpret_cast<const char*>(n->name);
}

const xmlNode* child(const xmlNode* parent, std::string_view local) {
    for (const xmlNode* c = parent ? parent->children : nullptr; c; c = c->next) {
        if (named(c, local)) return c;
    }
    return nullptr;
}

const xmlNode* first_element(const xmlNode* parent) {
    for (const xmlNode* c = parent ? parent->children : nullptr; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) return c;
    }
    return nullptr;
}

// Text and CDATA directly inside the element, blanks trimmed at both ends.
std::string text_of(const xmlNode* n) {
    std::string s;
    for (const xmlNode* c = n ? n->children : nullptr; c; c = c->next) {
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
            s += reinterpret_cast<const char*>(c->content);
        }
    }
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// A short quoted excerpt of untrusted text for a message.
std::string quoted(std::string_view s) {
    std::string out = "\"";
    for (char c : s.substr(0, 40)) out += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
    return out + (s.size() > 40 ? "...\"" : "\"");
}

struct Parsed {
    DocPtr doc;
    const xmlNode* body = nullptr;  ///< the operation's response element
    SoapError error = SoapError::none;
    std::string message;
};

std::string fault_message(const xmlNode* fault) {
    // SOAP 1.1: faultcode / faultstring; SOAP 1.2: Code/Value and Reason/Text.
    std::string code = text_of(child(fault, "faultcode"));
    std::string text = text_of(child(fault, "faultstring"));
    if (code.empty()) code = text_of(child(child(fault, "Code"), "Value"));
    if (text.empty()) text = text_of(child(child(fault, "Reason"), "Text"));
    return "SOAP Fault " + (code.empty() ? std::string("(no faultcode)") : code) + ": " +
           (text.empty() ? std::string("(no faultstring)") : text);
}

// Parses the envelope and finds <operation>Response inside the Body.
Parsed open_envelope(std::string_view xml, std::string_view operation, const SoapLimits& limits) {
    Parsed p;
    auto fail = [&p](SoapError e, std::string m) {
        p.error = e;
        p.message = std::move(m);
        return std::move(p);
    };
    if (xml.size() > limits.max_response_bytes) {
        return fail(SoapError::too_large, "response of " + std::to_string(xml.size()) +
                                              " bytes exceeds max_response_bytes=" +
                                              std::to_string(limits.max_response_bytes));
    }
    if (xml.size() > INT_MAX) return fail(SoapError::too_large, "response too large for libxml2");
    if (xml.empty()) return fail(SoapError::malformed, "empty response");
    p.doc.reset(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "response.xml", nullptr,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
    if (!p.doc) {
        const xmlError* e = xmlGetLastError();
        std::string why = e && e->message ? e->message : "unknown error";
        while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
        return fail(SoapError::malformed, "not well-formed XML" +
                                              (e ? " (line " + std::to_string(e->line) + ")" : "") +
                                              ": " + why);
    }
    if (p.doc->intSubset || p.doc->extSubset) {
        return fail(SoapError::malformed, "a DTD is not allowed in a SOAP message");
    }
    const xmlNode* root = xmlDocGetRootElement(p.doc.get());
    if (!named(root, "Envelope")) {
        return fail(SoapError::malformed,
                    "expected a SOAP Envelope, got <" +
                        (root ? std::string(local_name(root)) : std::string()) + ">");
    }
    const xmlNode* body = child(root, "Body");
    if (!body) return fail(SoapError::malformed, "the SOAP Envelope has no Body");
    const xmlNode* first = first_element(body);
    if (named(first, "Fault")) return fail(SoapError::fault, fault_message(first));
    const std::string expected = std::string(operation) + "Response";
    if (!named(first, expected)) {
        return fail(SoapError::malformed,
                    "expected <" + expected + "> in the SOAP Body, got " +
                        (first ? "<" + std::string(local_name(first)) + ">" : "nothing"));
    }
    p.body = first;
    return p;
}

// The header fields every response carries, found anywhere below the response element but
// outside doctor rows.
struct Common {
    const xmlNode* return_code = nullptr;
    std::string client_request_id;
    std::string gmc_request_id;
};

bool is_row(const xmlNode* n) {
    return child(n, "GMCReferenceNumber") != nullptr;
}

// Walks the response element without recursion; calls on_row for each doctor row (an element
// with a GMCReferenceNumber child) and does not look inside rows. Stops when on_row is false.
template <typename OnRow>
Common walk(const xmlNode* top, OnRow on_row) {
    Common c;
    const xmlNode* n = top->children;
    while (n) {
        bool descend = false;
        if (n->type == XML_ELEMENT_NODE) {
            if (is_row(n)) {
                if (!on_row(n)) return c;
            } else if (named(n, "ReturnCode")) {
                if (!c.return_code) c.return_code = n;
            } else if (named(n, "ClientRequestID")) {
                if (c.client_request_id.empty()) c.client_request_id = text_of(n);
            } else if (named(n, "GMCRequestID")) {
                if (c.gmc_request_id.empty()) c.gmc_request_id = text_of(n);
            } else {
                descend = n->children != nullptr;
            }
        }
        if (descend) {
            n = n->children;
            continue;
        }
        while (n && !n->next && n != top) n = n->parent;
        if (!n || n == top) break;
        n = n->next;
    }
    return c;
}

// Reads ReturnCode: an integer, or an error.
bool read_return_code(const Common& c, std::optional<int>& out, SoapError& error,
                      std::string& message) {
    if (!c.return_code) {
        error = SoapError::missing_return_code;
        message = "the response has no ReturnCode";
        return false;
    }
    const std::string t = text_of(c.return_code);
    bool digits = !t.empty() && t.size() <= 9;
    for (char ch : t) digits = digits && std::isdigit(static_cast<unsigned char>(ch));
    if (!digits) {
        error = SoapError::bad_value;
        message = "ReturnCode: expected an integer, got " + quoted(t);
        return false;
    }
    out = std::stoi(t);
    return true;
}

// One GetDoctorsForDB row; "" or the problem.
std::string read_row(const xmlNode* row, std::size_t number, std::string_view db, rv::GmcDoctor& d,
                     std::vector<std::string>& defects) {
    const std::string where = " (row " + std::to_string(number) + ")";
    d.gmc_number = text_of(child(row, "GMCReferenceNumber"));
    if (!rv::usable_gmc_number(d.gmc_number) || d.gmc_number.size() != 7) {
        return "GMCReferenceNumber: expected 7 digits, got " + quoted(d.gmc_number) + where;
    }
    const std::string who =
        " (row " + std::to_string(number) + ", GMC number " + d.gmc_number + ")";
    d.designated_body = std::string(db);
    d.forenames = text_of(child(row, "DoctorFirstName"));
    d.surname = text_of(child(row, "DoctorLastName"));
    for (auto [name, slot] :
         {std::pair{"SubmissionDate", &d.submission_date}, std::pair{"DateAdded", &d.date_added}}) {
        const std::string t = text_of(child(row, name));
        if (t.empty()) continue;
        *slot = parse_gmc_date(t);
        if (!*slot)
            return std::string(name) + ": expected a date dd/MM/yyyy, got " + quoted(t) + who;
    }
    d.under_notice = text_of(child(row, "UnderNotice"));
    for (char& c : d.under_notice)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const std::string status = text_of(child(row, "DoctorStatus"));
    if (!status.empty()) {
        if (auto l = rv::parse_licence(status)) {
            d.licence = *l;
        } else {
            defects.push_back("DoctorStatus: unknown value " + quoted(status) + who +
                              ", read as licensed");
        }
    }
    return {};
}

}  // namespace

DoctorsForDbResponse parse_get_doctors_for_db(std::string_view xml,
                                              std::string_view designated_body,
                                              const SoapLimits& limits) {
    DoctorsForDbResponse r;
    Parsed p = open_envelope(xml, "GetDoctorsForDB", limits);
    if (p.error != SoapError::none) {
        r.error = p.error;
        r.message = std::move(p.message);
        return r;
    }
    std::size_t rows = 0;
    const Common c = walk(p.body, [&](const xmlNode* row) {
        if (++rows > limits.max_rows) {
            r.error = SoapError::too_many_rows;
            r.message = "more than max_rows=" + std::to_string(limits.max_rows) + " doctor rows";
            return false;
        }
        rv::GmcDoctor d;
        if (std::string problem = read_row(row, rows, designated_body, d, r.defects);
            !problem.empty()) {
            r.error = SoapError::bad_value;
            r.message = std::move(problem);
            return false;
        }
        r.doctors.push_back(std::move(d));
        return true;
    });
    r.client_request_id = c.client_request_id;
    r.gmc_request_id = c.gmc_request_id;
    if (r.error != SoapError::none) return r;
    read_return_code(c, r.return_code, r.error, r.message);
    return r;
}

TryDoctorResponse parse_try_doctor(std::string_view xml, std::string_view operation,
                                   const SoapLimits& limits) {
    TryDoctorResponse r;
    Parsed p = open_envelope(xml, operation, limits);
    if (p.error != SoapError::none) {
        r.error = p.error;
        r.message = std::move(p.message);
        return r;
    }
    const Common c = walk(p.body, [](const xmlNode*) { return true; });
    r.client_request_id = c.client_request_id;
    r.gmc_request_id = c.gmc_request_id;
    read_return_code(c, r.return_code, r.error, r.message);
    return r;
}

}  // namespace casegate::feeds
