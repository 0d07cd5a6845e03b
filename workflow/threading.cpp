#include "workflow/threading.hpp"

#include <algorithm>
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
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
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
        return std::any_of(list.begin(), list.end(),
                           [&](const std::string& a) { return !a.empty() && util::iequals(a, from); });
    };
    if (!parties.case_manager.empty() && util::iequals(parties.case_manager, from)) {
        return SenderRole::case_manager;
    }
    if (among(parties.staff)) return SenderRole::staff;
    if (among(parties.referrer)) return SenderRole::referrer;
    return SenderRole::stranger;
}

}  // namespace casegate::workflow
