// SECURITY: the configuration file is trusted (root-owned); still, every value is checked
// against the settings table and a bad one is reported by its key. Secret files are read but
// their contents never appear in messages.
#include "common/config_section.hpp"

#include <cstdlib>

#include "common/files.hpp"
#include "net/curl.hpp"
#include "util/strings.hpp"

namespace casegate::common::detail {

namespace {

void check_email(const std::string& addr, const std::string& key) {
    const auto at = addr.find('@');
    const bool bad = at == std::string::npos || at == 0 || at + 1 >= addr.size() ||
                     addr.find_first_of(" \t\r\n<>,;\"\\", 0) != std::string::npos ||
                     addr.find('@', at + 1) != std::string::npos;
    if (bad) fail(key, "'" + addr + "' is not an email address");
}

// HOST:PORT or [IPv6]:PORT.
void check_listen(const std::string& v, const std::string& key) {
    const auto colon = v.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == v.size())
        fail(key, "must be HOST:PORT");
    const std::string host = v.substr(0, colon);
    const std::string port = v.substr(colon + 1);
    const bool bracketed = host.front() == '[';
    if (bracketed != (host.back() == ']') || (bracketed && host.size() < 3) ||
        (!bracketed && host.find(':') != std::string::npos)) {
        fail(key, "must be HOST:PORT, with an IPv6 address in brackets");
    }
    if (host.find_first_of(" \t\r\n/") != std::string::npos) fail(key, "must be HOST:PORT");
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(port) < 1 || std::stoi(port) > 65535) {
        fail(key, "port must be between 1 and 65535");
    }
}

}  // namespace

// The TOML value as the table describes it, or a ConfigError naming the key. Secrets are not
// read here.
void check_value(const toml::value& x, const Setting& s, const std::string& key) {
    switch (s.type) {
        case T::integer: {
            if (!x.is_integer()) fail(key, "must be an integer");
            const auto n = static_cast<double>(x.as_integer());
            if (n < s.min || n > s.max) {
                fail(key,
                     "must be between " + format_number(s.min) + " and " + format_number(s.max));
            }
            return;
        }
        case T::fraction: {
            double f = 0;
            if (x.is_floating()) {
                f = x.as_floating();
            } else if (x.is_integer()) {
                f = static_cast<double>(x.as_integer());
            } else {
                fail(key, "must be a number");
            }
            if (!(f >= s.min && f <= s.max)) {
                fail(key,
                     "must be between " + format_number(s.min) + " and " + format_number(s.max));
            }
            return;
        }
        case T::boolean:
            if (!x.is_boolean()) fail(key, "must be true or false");
            return;
        case T::string_list:
        case T::email_list: {
            if (!x.is_array()) fail(key, "must be an array of strings");
            for (const auto& e : x.as_array()) {
                if (!e.is_string()) fail(key, "must be an array of strings");
                if (s.type == T::email_list) check_email(e.as_string().str, key);
            }
            const auto n = static_cast<double>(x.as_array().size());
            if (n < s.min) {
                fail(key, s.type == T::email_list && s.min == 1
                              ? std::string("needs at least one address")
                              : "must have at least " + format_number(s.min) + " entries");
            }
            return;
        }
        case T::string:
        case T::secret_file:
        case T::url:
        case T::enumeration:
        case T::email:
        case T::listen:
        case T::path:
            break;
    }
    if (!x.is_string()) fail(key, "must be a string");
    const std::string& v = x.as_string().str;
    if (v.empty()) {
        if (s.need == Need::required) fail(key, "is required");
        // An address to listen on may be "" (none) where its row allows it (min 0).
        if (s.type == T::listen && s.min < 1) return;
        if (s.type != T::string) fail(key, "must not be empty");
    }
    switch (s.type) {
        case T::string:
            if (static_cast<double>(v.size()) < s.min) fail(key, "must not be empty");
            return;
        case T::secret_file:
            if (v.find('\0') != std::string::npos) fail(key, "is not a file name");
            return;
        case T::url: {
            const auto schemes = util::words(s.choices);
            const bool known = std::any_of(schemes.begin(), schemes.end(),
                                           [&](std::string_view p) { return v.starts_with(p); });
            if (!known) {
                std::string list;
                for (std::size_t i = 0; i < schemes.size(); ++i) {
                    if (i > 0) list += i + 1 == schemes.size() ? " or " : ", ";
                    list += schemes[i];
                }
                fail(key, "must start with " + list);
            }
            if (v.find_first_of(" \t\r\n") != std::string::npos)
                fail(key, "must not contain blanks");
            return;
        }
        case T::enumeration: {
            const auto choices = util::words(s.choices);
            if (std::find(choices.begin(), choices.end(), v) == choices.end()) {
                std::string list;
                for (std::size_t i = 0; i < choices.size(); ++i) {
                    if (i > 0) list += ", ";
                    list += choices[i];
                }
                fail(key, "must be one of " + list);
            }
            return;
        }
        case T::email:
            check_email(v, key);
            return;
        case T::listen:
            check_listen(v, key);
            return;
        case T::path:
            if (v[0] != '/' || v.find('\0') != std::string::npos)
                fail(key, "must be an absolute path");
            return;
        default:
            return;
    }
}

// A checked value as text, for Config::values.
std::string canonical(const toml::value& x, const Setting& s) {
    switch (s.type) {
        case T::integer:
            return std::to_string(x.as_integer());
        case T::fraction:
            return format_number(x.is_floating() ? x.as_floating()
                                                 : static_cast<double>(x.as_integer()));
        case T::boolean:
            return x.as_boolean() ? "true" : "false";
        case T::string_list:
        case T::email_list: {
            std::string out;
            for (const auto& e : x.as_array()) {
                if (!out.empty()) out += ", ";
                out += e.as_string().str;
            }
            return out;
        }
        default:
            return x.as_string().str;
    }
}

// A secret named by a path, or by a bare name looked up in systemd's credentials directory.
std::string read_secret(const std::string& where, const std::string& key) {
    std::string path = where;
    const char* creds = std::getenv("CREDENTIALS_DIRECTORY");
    if (where.find('/') == std::string::npos) {
        if (!creds)
            fail(key, "'" + where + "' is not a path and $CREDENTIALS_DIRECTORY is not set");
        path = std::string(creds) + "/" + where;
    }
    const std::optional<std::string> bytes = read_file(path);
    if (!bytes) fail(key, "cannot read " + path);
    std::string s = *bytes;
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    if (s.empty()) fail(key, path + " is empty");
    return s;
}

std::vector<const SectionInfo*> children_of(const SectionInfo& info) {
    std::vector<const SectionInfo*> out;
    const std::string prefix = std::string(info.name) + ".";
    for (const SectionInfo& s : config_sections()) {
        if (s.name.starts_with(prefix) && s.name.find('.', prefix.size()) == std::string::npos)
            out.push_back(&s);
    }
    return out;
}

std::string indexed(const std::string& path, std::size_t i) {
    return path + "[" + std::to_string(i) + "]";
}

}  // namespace casegate::common::detail
