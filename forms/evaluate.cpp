// Deciding what one email is: a bounce, an auto-reply, not a referral, or a referral found in
// the body (or, through the seam below, in an attached PDF form).
//
// TRUST: the ParsedEmail is untrusted (see parsers/email.hpp). Nothing here throws for bad
// input: a message with no form becomes not_a_referral with its reason, and field problems
// become FieldErrors on the referral.
#include <algorithm>
#include <array>
#include <initializer_list>
#include <string>

#include "forms/evaluate.hpp"
#include "forms/normalise.hpp"
#include "forms/pdf_fields.hpp"
#include "forms/strings.hpp"
#include "parsers/text.hpp"

namespace casegate::forms {
namespace {

bool subject_starts_with(std::string_view subject,
                         std::initializer_list<std::string_view> prefixes) {
    const std::string s = ascii_lower(trim(subject));
    for (std::string_view p : prefixes) {
        if (s.starts_with(p)) return true;
    }
    return false;
}

bool is_forward(const parsers::ParsedEmail& email) {
    return subject_starts_with(email.subject, {"fw:", "fwd:", "fw :", "fwd :"});
}

bool is_reply(const parsers::ParsedEmail& email) {
    return !email.in_reply_to.empty() || !email.references.empty() ||
           subject_starts_with(email.subject, {"re:", "re :", "aw:", "sv:"});
}

// "From:" or "Sent:" of Outlook's history header, which may be in bold ("*From:*").
bool is_header_line(const std::vector<std::string_view>& lines, std::size_t i,
                    std::string_view name) {
    if (i >= lines.size()) return false;
    std::string_view line = trim(lines[i]);
    while (line.starts_with('*')) line.remove_prefix(1);
    return ascii_lower(line.substr(0, name.size())) == name;
}

// Outlook quotes a reply's history without '>' marks, so in the unstripped body of a reply
// those labels would read as the sender's own. Cut there; '>'-quoted lines never match a label
// anyway, which keeps answers written between quoted lines.
std::string_view without_unquoted_history(std::string_view body) {
    const std::vector<std::string_view> lines = split_lines(body);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string line = ascii_lower(trim(lines[i]));
        // Outlook writes the marker and the header names in the user's language.
        static constexpr std::array<std::string_view, 6> kOriginal{
            "original message", "ursprüngliche nachricht", "message d'origine",
            "mensaje original", "messaggio originale",     "oorspronkelijk bericht"};
        static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kFromSent{
            {{"from:", "sent:"},
             {"von:", "gesendet:"},
             {"de :", "envoyé :"},
             {"de:", "envoyé:"},
             {"de:", "enviado:"},
             {"da:", "inviato:"},
             {"van:", "verzonden:"}}};
        const bool original =
            line.starts_with("-----") &&
            std::any_of(kOriginal.begin(), kOriginal.end(),
                        [&](std::string_view m) { return line.find(m) != std::string::npos; });
        const bool from_sent =
            std::any_of(kFromSent.begin(), kFromSent.end(), [&](const auto& names) {
                return is_header_line(lines, i, names.first) &&
                       is_header_line(lines, i + 1, names.second);
            });
        if (original || from_sent)
            return body.substr(0, static_cast<std::size_t>(lines[i].data() - body.data()));
    }
    return body;
}

// Takes one level of "> " quoting off every line.
std::string unquoted(std::string_view body) {
    std::string out;
    for (std::string_view line : split_lines(body)) {
        if (line.starts_with('>')) line.remove_prefix(line.starts_with("> ") ? 2 : 1);
        out.append(line);
        out += '\n';
    }
    return out;
}

// The form fields of the body, trying in turn: the body without quotes and signature, each
// forwarded message, then the whole body (unquoted in a forward, without Outlook's history in
// a reply). Empty when none of them is a referral attempt.
RawFields body_fields(const parsers::ParsedEmail& email) {
    const bool forward = is_forward(email);
    RawFields found =
        extract_body_fields(parsers::strip_quotes_and_signature(email.text_body, !forward));
    if (is_referral_attempt(found)) return found;
    for (const parsers::ForwardedMessage& f : email.forwarded) {
        found = extract_body_fields(parsers::strip_quotes_and_signature(f.text_body, true));
        if (is_referral_attempt(found)) return found;
        found = extract_body_fields(f.text_body);
        if (is_referral_attempt(found)) return found;
    }
    // In a forward the quoted text is the content, so its '>' marks are taken off.
    found = forward           ? extract_body_fields(unquoted(email.text_body))
            : is_reply(email) ? extract_body_fields(without_unquoted_history(email.text_body))
                              : extract_body_fields(email.text_body);
    return is_referral_attempt(found) ? found : RawFields{};
}

bool same_value(const FieldDef& field, std::string_view a, std::string_view b,
                const ValidateContext& ctx) {
    const Normalised na = normalise_field(field, a, ctx.today);
    const Normalised nb = normalise_field(field, b, ctx.today);
    if (na.ok() && nb.ok()) return na.value == nb.value;
    return trim(a) == trim(b);
}

// PDF values go after the body's so that validate's "last non-empty value wins" picks them.
RawFields merge_pdf_over_body(const RawFields& body, const RawFields& pdf,
                              const ValidateContext& ctx, std::vector<std::string>& notes) {
    for (const FieldDef& field : referral_form()) {
        const std::string* in_body = last_given(body, field.key);
        const std::string* in_pdf = last_given(pdf, field.key);
        if (in_body && in_pdf && !same_value(field, *in_body, *in_pdf, ctx)) {
            notes.push_back(std::string(field.key) +
                            ": the PDF form and the email body differ; the PDF value is used");
        }
    }
    RawFields merged = body;
    merged.insert(merged.end(), pdf.begin(), pdf.end());
    return merged;
}

// Why a PDF that is not a readable AcroForm is not a referral.
std::string pdf_reason(const parsers::PdfFormOutcome& pdf) {
    switch (pdf.kind) {
        case parsers::PdfFormKind::no_fields:
            return "the PDF has no form fields: a document, not a filled-in referral form";
        case parsers::PdfFormKind::needs_password:
            return "the PDF is protected by a password, so its form cannot be read";
        case parsers::PdfFormKind::xfa_only:
            return "the PDF is an XFA form without AcroForm fields, which cannot be read";
        case parsers::PdfFormKind::unreadable:
            return "unreadable PDF: " + pdf.reason;
        case parsers::PdfFormKind::form:
            break;
    }
    return "the PDF form has no referral form fields filled in";
}

}  // namespace

std::string_view to_string(Verdict v) {
    switch (v) {
        case Verdict::complete:
            return "complete";
        case Verdict::incomplete:
            return "incomplete";
        case Verdict::not_a_referral:
            return "not_a_referral";
        case Verdict::auto_reply:
            return "auto_reply";
        case Verdict::bounce:
            return "bounce";
    }
    return "not_a_referral";
}

std::string_view to_string(Channel c) {
    switch (c) {
        case Channel::email_body:
            return "email-body";
        case Channel::email_pdf:
            return "email-pdf";
        case Channel::pdf:
            return "pdf";
        case Channel::web:
            return "web";
        case Channel::none:
            return "none";
    }
    return "none";
}

namespace {

// "local+TAG@domain" → TAG, for every such address in a header value (tags of letters, digits,
// '.', '-' and '_' only, at most 100 bytes), up to kMaxRecipientTags in all.
void add_recipient_tags(std::string_view value, std::vector<std::string>& tags) {
    constexpr std::size_t kMaxRecipientTags = 8;
    const auto tag_char = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '-' || c == '_';
    };
    for (std::size_t plus = value.find('+');
         plus != std::string_view::npos && tags.size() < kMaxRecipientTags;
         plus = value.find('+', plus + 1)) {
        std::size_t end = plus + 1;
        while (end < value.size() && end - plus <= 100 && tag_char(value[end])) ++end;
        if (end < value.size() && value[end] == '@' && end > plus + 1) {
            tags.emplace_back(value.substr(plus + 1, end - plus - 1));
        }
    }
}

// The Message-ID among the returned headers of a bounce (RFC 3462 text/rfc822-headers, or the
// returned message itself), without <>.
std::string returned_message_id(const parsers::ParsedEmail& email) {
    for (const parsers::Attachment& a : email.attachments) {
        if (a.content_type != "text/rfc822-headers" && a.content_type != "message/rfc822-headers" &&
            a.content_type != "message/rfc822") {
            continue;
        }
        for (std::string_view line :
             split_lines(std::string_view(a.data).substr(0, std::size_t{64} * 1024))) {
            if (trim(line).empty()) break;  // the end of the returned header
            if (ascii_lower(line.substr(0, 11)) != "message-id:") continue;
            const std::string_view v = trim(line.substr(11));
            const std::size_t open = v.find('<');
            const std::size_t close = v.find('>', open);
            if (open == std::string_view::npos || close == std::string_view::npos) continue;
            return std::string(v.substr(open + 1, close - open - 1));
        }
    }
    return {};
}

}  // namespace

bool is_referral_attempt(const RawFields& fields) {
    for (const auto& [key, value] : fields) {
        if (key != "referrer_email" && key != "referrer_phone" && find_field(key)) return true;
    }
    return false;
}

Evaluation evaluate_email(const parsers::ParsedEmail& email, const ValidateContext& ctx) {
    return evaluate_email(email, RawFields{}, ctx);
}

Evaluation evaluate_email(const parsers::ParsedEmail& email, const RawFields& pdf_fields,
                          const ValidateContext& ctx) {
    Evaluation e;
    e.message_id = email.message_id;
    e.from_address = email.from_address;
    e.subject = email.subject;
    e.in_reply_to = email.in_reply_to;
    e.references = email.references;
    e.body = std::string(
        without_unquoted_history(parsers::strip_quotes_and_signature(email.text_body, true)));
    if (e.body.size() > kMaxBodyKept) e.body.resize(kMaxBodyKept);
    for (const auto& [name, value] : email.headers) {
        const std::string lower = ascii_lower(name);
        if (lower == "authentication-results" &&
            e.authentication_results.size() < kMaxAuthenticationResults) {
            e.authentication_results.push_back(value.substr(0, 4096));
        }
        if (lower == "to" || lower == "cc" || lower == "delivered-to" || lower == "x-original-to") {
            add_recipient_tags(value, e.recipient_tags);
        }
    }
    for (const parsers::Attachment& a : email.attachments) {
        e.attachments.push_back(AttachmentInfo{a.filename, a.content_type, a.data.size()});
    }
    // A bounce usually also carries Auto-Submitted; "bounce" is the more precise verdict.
    if (std::string r = parsers::bounce_reason(email); !r.empty()) {
        e.verdict = Verdict::bounce;
        e.reason = std::move(r);
        e.bounced_message_id = returned_message_id(email);
        return e;
    }
    if (std::string r = parsers::auto_reply_reason(email); !r.empty()) {
        e.verdict = Verdict::auto_reply;
        e.reason = std::move(r);
        return e;
    }
    RawFields raw = body_fields(email);
    e.channel = Channel::email_body;
    if (is_referral_attempt(pdf_fields)) {
        raw = merge_pdf_over_body(raw, pdf_fields, ctx, e.notes);
        e.channel = Channel::email_pdf;
    }
    if (!is_referral_attempt(raw)) {
        e.channel = Channel::none;
        e.reason = "no referral form fields found";
        return e;
    }
    ValidateContext vctx = ctx;
    if (vctx.default_referrer_email.empty()) vctx.default_referrer_email = email.from_address;
    e.referral = validate(raw, vctx);
    e.verdict = e.referral.complete() ? Verdict::complete : Verdict::incomplete;
    return e;
}

bool looks_like_pdf(const parsers::Attachment& a) {
    if (a.content_type == "application/pdf" || a.content_type == "application/x-pdf") return true;
    const std::string name = ascii_lower(a.filename);
    if (name.size() >= 4 && name.compare(name.size() - 4, 4, ".pdf") == 0) return true;
    return a.data.rfind("%PDF-", 0) == 0;
}

Evaluation evaluate_email(const parsers::ParsedEmail& email, const std::vector<ReadPdf>& pdfs,
                          const ValidateContext& ctx) {
    const ReadPdf* form = nullptr;
    RawFields pdf_fields;
    for (const ReadPdf& p : pdfs) {
        RawFields fields = pdf_form_fields(p.outcome);
        if (is_referral_attempt(fields)) {
            form = &p;
            pdf_fields = std::move(fields);
            break;
        }
    }
    Evaluation e = evaluate_email(email, pdf_fields, ctx);
    if (e.verdict == Verdict::bounce || e.verdict == Verdict::auto_reply) return e;
    const auto label = [](const ReadPdf& p) {
        return "attachment '" + shorten(p.filename.empty() ? "unnamed" : p.filename, 80) + "'";
    };
    std::string problem;
    for (const ReadPdf& p : pdfs) {
        if (&p == form) {
            if (const std::string version = pdf_form_version(p.outcome);
                !version.empty() && version != std::to_string(kFormVersion)) {
                e.notes.push_back(label(p) + " is form version " + shorten(version, 20) +
                                  "; the current form is version " + std::to_string(kFormVersion));
            }
            if (p.outcome.repaired)
                e.notes.push_back(label(p) + " was damaged and has been repaired");
            continue;
        }
        if (p.outcome.kind == parsers::PdfFormKind::no_fields) {
            e.notes.push_back(label(p) + " has no form fields: kept as a document");
            continue;
        }
        const std::string why = label(p) + ": " + pdf_reason(p.outcome);
        e.notes.push_back(why);
        if (problem.empty() && p.outcome.kind != parsers::PdfFormKind::form) problem = why;
    }
    if (e.verdict == Verdict::not_a_referral && !problem.empty()) e.reason = problem;
    return e;
}

Evaluation evaluate_pdf(const parsers::PdfFormOutcome& pdf, const ValidateContext& ctx) {
    Evaluation e;
    const RawFields raw = pdf_form_fields(pdf);
    if (!is_referral_attempt(raw)) {
        e.reason = pdf_reason(pdf);
        return e;
    }
    if (const std::string version = pdf_form_version(pdf);
        !version.empty() && version != std::to_string(kFormVersion)) {
        e.notes.push_back("the PDF is form version " + shorten(version, 20) +
                          "; the current form is version " + std::to_string(kFormVersion));
    }
    if (pdf.repaired) e.notes.emplace_back("the PDF was damaged and has been repaired");
    e.channel = Channel::pdf;
    e.referral = validate(raw, ctx);
    e.verdict = e.referral.complete() ? Verdict::complete : Verdict::incomplete;
    return e;
}

Evaluation evaluate_pdf(std::string_view pdf_bytes, const ValidateContext& ctx,
                        const parsers::PdfLimits& limits) {
    return evaluate_pdf(parsers::read_pdf_form(pdf_bytes, limits), ctx);
}

}  // namespace casegate::forms
