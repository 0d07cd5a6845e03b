// What one submission is: the verdict, the channel, the validated referral and the facts about
// the message that the pipeline needs. Pure: no database, no network, no clock (today is given).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "forms/form.hpp"
#include "parsers/email.hpp"

namespace casegate::forms {

enum class Verdict { complete, incomplete, not_a_referral, auto_reply, bounce };
enum class Channel { email_body, email_pdf, pdf, web, none };

std::string_view to_string(Verdict v);
std::string_view to_string(Channel c);

struct AttachmentInfo {
    std::string filename;
    std::string content_type;
    std::size_t size = 0;
};

struct Evaluation {
    Verdict verdict = Verdict::not_a_referral;
    Channel channel = Channel::none;
    Referral referral;
    std::string reason;  ///< why not_a_referral / auto_reply / bounce, or the unreadable error
    std::vector<AttachmentInfo> attachments;
    std::vector<std::string> notes;  ///< e.g. differences between body and PDF values

    // Facts from the message, for threading and replies (empty for non-email channels).
    std::string message_id;
    std::string from_address;
    std::string subject;
    std::string in_reply_to;
    std::vector<std::string> references;
};

/// Evaluates a parsed email: auto-reply and bounce first, then the form in the body (quotes and
/// signature removed), then in forwarded messages when the body has none.
Evaluation evaluate_email(const parsers::ParsedEmail& email, const ValidateContext& ctx);

/// The same, with the fields of a filled PDF form attached to the message (AcroForm field names
/// are the form keys), as read by the PDF parser. Where the PDF and the body both give a field
/// the PDF wins and the difference is noted; the channel is then email_pdf. With empty
/// `pdf_fields` this is evaluate_email(email, ctx).
Evaluation evaluate_email(const parsers::ParsedEmail& email, const RawFields& pdf_fields,
                          const ValidateContext& ctx);

/// True when the fields hold something other than referrer_email / referrer_phone, which on
/// their own are what an email signature looks like.
bool is_referral_attempt(const RawFields& fields);

/// Evaluates a web-form JSON submission (an object keyed by form keys).
Evaluation evaluate_json(std::string_view json, const ValidateContext& ctx);

/// Renders the `casegate parse` line for one file (without a trailing newline):
/// {"file":…,"verdict":…,"channel":…,"fields":{…},"missing":[…],"errors":[…],"attachments":[…]}
std::string to_parse_json(std::string_view file, const Evaluation& e);

}  // namespace casegate::forms
