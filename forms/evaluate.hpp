// What one submission is: the verdict, the channel, the validated referral and the facts about
// the message that the pipeline needs. Pure: no database, no network, no clock (today is given).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "forms/form.hpp"
#include "parsers/email.hpp"
#include "parsers/pdf_form.hpp"

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
    /// The sender's own words: the text body without quoted history and signature, at most
    /// kMaxBodyKept bytes (cut anywhere; it is kept, not parsed again). A follow-up's text.
    std::string body;
    /// The values of the Authentication-Results header fields (RFC 8601), the first few.
    std::vector<std::string> authentication_results;
    /// For a bounce: the Message-ID (without <>) of the message that could not be delivered,
    /// from the returned headers; "" when the bounce does not say.
    std::string bounced_message_id;
    /// The "+tag" parts of the recipient addresses (To, Cc, Delivered-To, X-Original-To), the
    /// first few: where a staff member's reply carries its token.
    std::vector<std::string> recipient_tags;
};

inline constexpr std::size_t kMaxBodyKept = std::size_t{64} * 1024;
inline constexpr std::size_t kMaxAuthenticationResults = 8;

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

/// Evaluates a bare PDF file whose form was read by parsers::read_pdf_form() (in the parser
/// sandbox): channel pdf, complete or incomplete. A PDF without fields, one that needs a
/// password, an XFA-only form, an unreadable file, or a form with no referral field filled in
/// is not_a_referral with the reason (for an unreadable file it starts "unreadable PDF: ").
Evaluation evaluate_pdf(const parsers::PdfFormOutcome& pdf, const ValidateContext& ctx);

/// The same, reading `pdf_bytes` here with `limits`.
Evaluation evaluate_pdf(std::string_view pdf_bytes, const ValidateContext& ctx,
                        const parsers::PdfLimits& limits = {});

/// A PDF attachment of an email as the parser read it.
struct ReadPdf {
    std::string filename;
    parsers::PdfFormOutcome outcome;
};

/// Evaluates an email and its PDF attachments: the first PDF holding a filled-in referral form
/// is merged over the body (evaluate_email with pdf_fields); every other PDF is noted (a
/// document without fields is kept as a document; a password, XFA or damage is named). When
/// nothing in the message is a referral and a PDF could not be read, that PDF's problem is the
/// reason given.
Evaluation evaluate_email(const parsers::ParsedEmail& email, const std::vector<ReadPdf>& pdfs,
                          const ValidateContext& ctx);

/// True for an attachment to read as a PDF form: declared as a PDF, named .pdf, or starting
/// with the PDF signature.
bool looks_like_pdf(const parsers::Attachment& a);

/// Evaluates a web-form JSON submission: an object keyed by form keys, or the form service's
/// shape {"receipt", "received_at", "fields": {…}, "documents": [{"filename", "content_type",
/// "content_base64"}]}, whose documents are decoded into `documents` (when given) and listed in
/// the evaluation's attachments. A malformed document list makes it not_a_referral, with why.
Evaluation evaluate_json(std::string_view json, const ValidateContext& ctx,
                         std::vector<parsers::Attachment>* documents = nullptr);

/// Renders the `casegate parse` line for one file (without a trailing newline):
/// {"file":…,"verdict":…,"channel":…,"fields":{…},"missing":[…],"errors":[…],"attachments":[…]}
std::string to_parse_json(std::string_view file, const Evaluation& e);

}  // namespace casegate::forms
