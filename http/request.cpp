#include "http/http.hpp"

#include "util/strings.hpp"

namespace casegate::http {

std::string Request::param(const std::string& name) const {
    const auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
}

std::vector<std::string> Request::params_of(const std::string& name) const {
    std::vector<std::string> out;
    const auto [from, to] = params.equal_range(name);
    for (auto it = from; it != to; ++it) out.push_back(it->second);
    return out;
}

std::string Request::header(const std::string& lower_name) const {
    const auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
}

std::string Request::cookie(const std::string& name) const {
    const std::string all = header("cookie");
    std::size_t pos = 0;
    while (pos < all.size()) {
        std::size_t end = all.find(';', pos);
        if (end == std::string::npos) end = all.size();
        const std::string_view pair = util::trim(std::string_view(all).substr(pos, end - pos));
        const std::size_t eq = pair.find('=');
        if (eq != std::string_view::npos && pair.substr(0, eq) == name)
            return std::string(pair.substr(eq + 1));
        pos = end + 1;
    }
    return {};
}

std::vector<std::string> Request::segments() const {
    std::vector<std::string> out;
    std::size_t pos = 1;
    while (pos <= path.size()) {
        std::size_t end = path.find('/', pos);
        if (end == std::string::npos) end = path.size();
        if (end > pos) out.push_back(path.substr(pos, end - pos));
        pos = end + 1;
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> security_headers() {
    return {
        {"Content-Security-Policy",
         "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; "
         "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"},
        {"X-Frame-Options", "DENY"},
        {"X-Content-Type-Options", "nosniff"},
        {"Referrer-Policy", "no-referrer"},
        {"Cross-Origin-Opener-Policy", "same-origin"},
        {"Cross-Origin-Resource-Policy", "same-origin"},
        {"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
    };
}

}  // namespace casegate::http
