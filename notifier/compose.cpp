#include "notifier/compose.hpp"

#include <ctime>
#include <stdexcept>

#include "notifier/mail.hpp"
#include "util/random.hpp"

namespace casegate::notifier {

std::string new_message_id(const std::string& from_email) {
    std::string id = "cg.";
    id += std::to_string(std::time(nullptr)) + "." + util::random_hex(12);
    const auto at = from_email.find('@');
    return id + "@" +
           (at == std::string::npos ? std::string("casegate.invalid") : from_email.substr(at + 1));
}

storage::OutboxMessage compose(const Identity& from, const Notification& n) {
    OutgoingMessage m;
    m.from = {from.name, from.email};
    for (const auto& r : n.to) m.to.push_back({"", r});
    m.subject = n.text.subject;
    m.message_id = n.message_id.empty() ? new_message_id(from.email) : n.message_id;
    m.in_reply_to = n.in_reply_to;
    m.reply_to = n.reply_to;
    m.references = n.references;
    m.auto_submitted = n.auto_submitted;
    m.date = std::time(nullptr);
    m.text_body = n.text.body;
    m.attachments = n.attachments;

    storage::OutboxMessage out;
    out.message = render(m);  // checks every address
    out.message_id = m.message_id;
    out.kind = n.kind;
    out.case_id = n.case_id;
    out.submission_id = n.submission_id;
    out.mail_from = from.email;
    out.recipients = n.to;
    return out;
}

}  // namespace casegate::notifier
