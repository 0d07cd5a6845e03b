// What the web programs' pages (the staff console, the form service) see of an HTTP request and
// give back, without the HTTP library (http/server.cpp is the only file that includes it), so
// that the pages can be tested alone.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace casegate::http {

/// A file sent in a multipart form.
struct Upload {
    std::string field, filename, content;
};

struct Request {
    std::string method;  ///< GET, POST, HEAD
    std::string path;    ///< without the query
    std::multimap<std::string, std::string> params;  ///< query and form fields, decoded
    std::map<std::string, std::string> headers;       ///< names in lower case
    std::string remote_addr;
    std::vector<Upload> files;

    /// The first value of a query or form field, "" when absent.
    std::string param(const std::string& name) const;
    /// Every value of a field (a multiple choice).
    std::vector<std::string> params_of(const std::string& name) const;
    std::string header(const std::string& lower_name) const;
    /// The value of the cookie `name`, "" when absent.
    std::string cookie(const std::string& name) const;
    /// The path's segments: "/cases/REF/documents/7" → {"cases", "REF", "documents", "7"}.
    std::vector<std::string> segments() const;
};

struct Response {
    int status = 200;
    std::string content_type = "text/html; charset=utf-8";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    /// Pages showing personal data are never stored by a browser or proxy; only the static
    /// files are cacheable.
    bool no_store = true;

    static Response redirect(const std::string& location) {
        Response r;
        r.status = 303;
        r.headers.emplace_back("Location", location);
        return r;
    }
};

/// The security headers every response carries (CSP without inline script or style, no
/// framing, no sniffing, no referrer — sign-in links carry a secret).
std::vector<std::pair<std::string, std::string>> security_headers();

}  // namespace casegate::http
