// The texts of the automated notifications. Pure functions from a referral to subject + body.
//
// Privacy: the office alert carries the free-text details only when asked to; nothing here is
// ever addressed to the trainee (recipients are chosen by the caller).
#pragma once

#include <string>
#include <string_view>

#include "forms/form.hpp"

namespace casegate::notifier {

struct Text {
    std::string subject;  ///< always contains "[<reference>]"
    std::string body;     ///< UTF-8, "\n" line ends
};

/// To the referrer of a complete referral: the reference, what was understood (every given
/// field by its label, normalised), and what happens next.
Text acknowledgement(std::string_view reference, const forms::Referral& r,
                     std::string_view office_name);

/// To the local office's admin team: reference, doctor, GMC number, route, type, referrer;
/// the details of the concern only when include_details is true.
Text office_alert(std::string_view reference, const forms::Referral& r,
                  std::string_view office_name, bool include_details);

/// To the sender of an incomplete referral: each missing field by its label, each invalid field
/// by its label with the reason, what was understood, and how to complete it (reply to this
/// email with the missing lines as `Label: value`, keeping the reference in the subject).
Text incomplete_reply(std::string_view reference, const forms::Referral& r);

}  // namespace casegate::notifier
