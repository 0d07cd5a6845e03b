// Inside notifier/: the contexts of the texts (what each may say, texts.cpp) and the rendering
// of a text by name with the template in use (templates.cpp), shared by the two files.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "notifier/templates.hpp"
#include "util/mustache.hpp"

namespace casegate::notifier::detail {

/// A single-line value flattened to one line; text with its line ends made LF.
std::string one_line(std::string_view s);
std::string unix_lines(std::string_view s);

mstch::map acknowledgement_context(std::string_view reference, const forms::Referral& r,
                                   std::string_view office);
mstch::map office_alert_context(std::string_view reference, const forms::Referral& r,
                                std::string_view office, bool include_details);
mstch::map incomplete_context(std::string_view reference, const forms::Referral& r);
mstch::map case_mail_context(const CaseMail& m);
mstch::map triage_context(const TriageDigest& d, std::size_t max);
mstch::map command_context(std::string_view reference, std::string_view office, bool done,
                           std::string_view what);
mstch::map held_context(std::string_view reference, std::string_view office, std::int64_t item,
                        std::string_view why);
mstch::map reval_digest_context(const RevalDigest& d, std::size_t max);
mstch::map feed_refused_context(std::string_view office, std::string_view designated_body,
                                std::string_view reason, std::string_view date);
mstch::map oauth2_alert_context(std::string_view client, std::string_view reason,
                                std::string_view expires, int days);
mstch::map sign_in_context(std::string_view name, std::string_view link, int minutes);
mstch::map case_context(std::string_view reference, std::string_view office);
mstch::map case_changed_context(const CaseChange& c, bool include_details);

/// Renders the text `name` for `office` with the template in use (the office's own, the
/// operator's, or the built-in one).
Text render(std::string_view name, std::string_view office, const mstch::map& context);

}  // namespace casegate::notifier::detail
