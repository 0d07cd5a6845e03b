#include "net/oauth2.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>

#include "util/strings.hpp"

namespace casegate::net {

namespace {

constexpr std::size_t kMaxDescription = 200;

void add_field(std::string& body, std::string_view name, std::string_view value) {
    if (!body.empty()) body += '&';
    body += util::percent_encode(name);
    body += '=';
    body += util::percent_encode(value);
}

std::string string_field(const nlohmann::json& j, const char* name) {
    const auto it = j.find(name);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The first line of the endpoint's description, short: Microsoft's carry a trace id and a
// timestamp after the reason.
std::string first_line(std::string s) {
    const std::size_t end = s.find_first_of("\r\n");
    if (end != std::string::npos) s.resize(end);
    if (s.size() > kMaxDescription) {
        s.resize(kMaxDescription);
        s += "...";
    }
    return s;
}

}  // namespace

TokenAnswer request_token(const TokenRequest& request) {
    TokenAnswer out;
    std::string body;
    if (request.refresh_token.empty()) {
        add_field(body, "grant_type", "client_credentials");
    } else {
        add_field(body, "grant_type", "refresh_token");
        add_field(body, "refresh_token", request.refresh_token);
    }
    add_field(body, "client_id", request.client_id);
    if (!request.client_secret.empty()) add_field(body, "client_secret", request.client_secret);
    add_field(body, "scope", request.scope);
    HttpOptions http = request.http;
    http.max_response_bytes = std::min<std::size_t>(http.max_response_bytes, 64UL * 1024);
    const HttpResponse r = http_post(request.token_url, body, "application/x-www-form-urlencoded",
                                     {"Accept: application/json"}, http);
    if (!r.ok) {
        out.error = "token endpoint not reached: " + r.error;
        return out;
    }
    const nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
    if (r.status != 200) {
        out.refused = true;
        const std::string code = j.is_object() ? string_field(j, "error") : std::string();
        if (code.empty()) {
            out.error = "token endpoint answered HTTP " + std::to_string(r.status);
        } else {
            const std::string what = first_line(string_field(j, "error_description"));
            out.error = what.empty() ? code : code + ": " + what;
        }
        return out;
    }
    if (!j.is_object()) {
        out.error = "token endpoint's answer is not JSON";
        return out;
    }
    out.access_token = string_field(j, "access_token");
    out.refresh_token = string_field(j, "refresh_token");
    const auto expires = j.find("expires_in");
    if (expires != j.end() && expires->is_number_integer()) {
        out.expires_in = expires->get<long>();
    } else if (expires != j.end() && expires->is_string()) {
        // Some endpoints send it as a string.
        out.expires_in = std::strtol(expires->get<std::string>().c_str(), nullptr, 10);
    }
    if (out.access_token.empty() || out.expires_in <= 0) {
        out.error = "token endpoint's answer has no access_token or expires_in";
        return out;
    }
    out.ok = true;
    return out;
}

}  // namespace casegate::net
