#include "workflow/threading.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "util/hmac.hpp"
#include "util/random.hpp"
#include "util/strings.hpp"

namespace casegate::workflow {

namespace {

constexpr std::string_view kPrefix = "cg.";
constexpr std::size_t kMacDigits = 24;  // 96 bits of the HMAC

std::string mac_of(std::string_view reference, std::string_view nonce, std::string_view key) {
    std::string data = "message-id:";
    data += reference;
    data += '.';
    data += nonce;
    return util::hmac_sha256_hex(key, data).substr(0, kMacDigits);
}

bool digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool lower_hex(std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

bool is_reference(std::string_view s) {
    return s.size() >= 14 && s.substr(0, 3) == "CG-" && digits(s.substr(3, 4)) && s[7] == '-' &&
           digits(s.substr(8)) && s.size() - 8 >= 6;
}

std::string signed_message_id(std::string_view reference, std::string_view domain,
                              std::string_view key) {
    if (key.empty()) throw std::invalid_argument("no key to sign a Message-ID with");
    if (!is_reference(reference)) throw std::invalid_argument("not a casegate reference");
    const std::string nonce = util::random_hex(8);
    std::string id(kPrefix);
    id += reference;
    id += '.' + nonce + '.' + mac_of(reference, nonce, key) + '@';
    id += domain.empty() ? std::string_view("casegate.invalid") : domain;
    return id;
}

std::optional<std::string> signed_reference(std::string_view message_id, std::string_view key) {
    if (key.empty() || !message_id.starts_with(kPrefix)) return std::nullopt;
    const std::size_t at = message_id.find('@');
    if (at == std::string_view::npos) return std::nullopt;
    const std::string_view local = message_id.substr(kPrefix.size(), at - kPrefix.size());
    const std::size_t mac_dot = local.rfind('.');
    if (mac_dot == std::string_view::npos) return std::nullopt;
    const std::size_t nonce_dot = local.rfind('.', mac_dot - 1);
    if (nonce_dot == std::string_view::npos || mac_dot == 0) return std::nullopt;
    const std::string_view reference = local.substr(0, nonce_dot);
    const std::string_view nonce = local.substr(nonce_dot + 1, mac_dot - nonce_dot - 1);
    const std::string_view mac = local.substr(mac_dot + 1);
    if (!is_reference(reference) || nonce.size() != 16 || !lower_hex(nonce) ||
        mac.size() != kMacDigits) {
        return std::nullopt;
    }
    if (!util::equal_constant_time(mac, mac_of(reference, nonce, key))) return std::nullopt;
    return std::string(reference);
}

std::optional<std::string> subject_reference(std::string_view subject) {
    for (std::size_t open = subject.find("[CG-"); open != std::string_view::npos;
         open = subject.find("[CG-", open + 1)) {
        const std::size_t close = subject.find(']', open);
        if (close == std::string_view::npos) return std::nullopt;
        const std::string_view candidate = subject.substr(open + 1, close - open - 1);
        if (is_reference(candidate)) return std::string(candidate);
    }
    return std::nullopt;
}

std::optional<ThreadHint> thread_hint(std::string_view in_reply_to,
                                      const std::vector<std::string>& references,
                                      std::string_view subject, std::string_view key) {
    if (auto ref = signed_reference(in_reply_to, key)) return ThreadHint{std::move(*ref), true};
    for (auto it = references.rbegin(); it != references.rend(); ++it) {
        if (auto ref = signed_reference(*it, key)) return ThreadHint{std::move(*ref), true};
    }
    if (auto ref = subject_reference(subject)) return ThreadHint{std::move(*ref), false};
    return std::nullopt;
}

SenderRole sender_role(std::string_view from, const CaseParties& parties) {
    if (from.empty()) return SenderRole::stranger;
    const auto among = [&](const std::vector<std::string>& list) {
        return std::any_of(list.begin(), list.end(), [&](const std::string& a) {
            return !a.empty() && util::iequals(a, from);
        });
    };
    if (!parties.case_manager.empty() && util::iequals(parties.case_manager, from)) {
        return SenderRole::case_manager;
    }
    if (among(parties.staff)) return SenderRole::staff;
    if (among(parties.referrer)) return SenderRole::referrer;
    return SenderRole::stranger;
}

std::int64_t epoch_day(std::int64_t unix_seconds) {
    return unix_seconds >= 0 ? unix_seconds / 86400 : -((-unix_seconds + 86399) / 86400);
}

namespace {

std::string tag_mac(std::string_view reference, std::string_view recipient, std::int64_t expiry,
                    std::string_view key) {
    std::string data = "reply:";
    data += reference;
    data += ':';
    data += util::ascii_lower(recipient);
    data += ':' + std::to_string(expiry);
    return util::hmac_sha256_hex(key, data).substr(0, kMacDigits);
}

}  // namespace

std::string reply_tag(std::string_view reference, std::string_view recipient,
                      std::int64_t expiry_day, std::string_view key) {
    if (key.empty()) throw std::invalid_argument("no key to sign a reply address with");
    return std::string(reference) + "." + std::to_string(expiry_day) + "." +
           tag_mac(reference, recipient, expiry_day, key);
}

std::string tagged_address(std::string_view address, std::string_view tag) {
    const std::size_t at = address.rfind('@');
    if (at == std::string_view::npos) return std::string(address);
    return std::string(address.substr(0, at)) + "+" + std::string(tag) +
           std::string(address.substr(at));
}

TokenCheck check_reply_tag(std::string_view tag, std::string_view sender, std::int64_t today,
                           std::string_view key, std::string& reference) {
    const std::size_t mac_dot = tag.rfind('.');
    if (mac_dot == std::string_view::npos || mac_dot == 0) return TokenCheck::not_a_token;
    const std::size_t day_dot = tag.rfind('.', mac_dot - 1);
    if (day_dot == std::string_view::npos) return TokenCheck::not_a_token;
    const std::string_view ref = tag.substr(0, day_dot);
    const std::string_view day = tag.substr(day_dot + 1, mac_dot - day_dot - 1);
    const std::string_view mac = tag.substr(mac_dot + 1);
    if (!is_reference(ref) || !digits(day) || day.size() > 9 || mac.size() != kMacDigits) {
        return TokenCheck::not_a_token;
    }
    if (key.empty()) return TokenCheck::forged;
    const std::int64_t expiry = std::stoll(std::string(day));
    if (!util::equal_constant_time(util::ascii_lower(mac), tag_mac(ref, sender, expiry, key))) {
        return TokenCheck::forged;  // another recipient's token, or made up
    }
    if (today > expiry) return TokenCheck::expired;
    reference = std::string(ref);
    return TokenCheck::valid;
}

std::optional<EmailCommand> parse_email_command(std::string_view text, std::string& error) {
    std::string_view rest = text;
    std::string_view line;
    while (!rest.empty()) {
        const std::size_t eol = rest.find('\n');
        line = util::trim(rest.substr(0, eol));
        rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
        if (!line.empty()) break;
    }
    if (line.empty()) {
        error = "the first line holds no command";
        return std::nullopt;
    }
    const std::size_t space = line.find_first_of(" \t");
    const std::string word = util::ascii_lower(line.substr(0, space));
    const std::string_view arg =
        space == std::string_view::npos ? std::string_view() : util::trim(line.substr(space));
    static constexpr std::array<std::string_view, 6> kWords{"accept", "return", "assign",
                                                            "review", "close",  "note"};
    if (std::find(kWords.begin(), kWords.end(), word) == kWords.end()) {
        error = "'" + std::string(line.substr(0, std::min<std::size_t>(space, 40))) +
                "' is not a command; the first line must be one of: accept, return REASON, "
                "assign EMAIL, review, close OUTCOME, note TEXT";
        return std::nullopt;
    }
    EmailCommand c{word, std::string(arg)};
    if (word == "note" && !util::trim(rest).empty()) {
        c.detail += (c.detail.empty() ? "" : "\n") + std::string(util::trim(rest));
    }
    const bool needs = word == "return" || word == "assign" || word == "close" || word == "note";
    if (needs && c.detail.empty()) {
        error = word + " needs " +
                (word == "assign"   ? "the case manager's email"
                 : word == "return" ? "the reason"
                 : word == "close"  ? "the outcome"
                                    : "the text");
        return std::nullopt;
    }
    if (!needs && !c.detail.empty()) c.detail.clear();
    return c;
}

}  // namespace casegate::workflow
