// Turns a notification text into an outbox row: recipients checked, a fresh stable Message-ID,
// the message rendered once so that every retry sends the same bytes.
#pragma once

#include <string>
#include <vector>

#include "notifier/mail.hpp"
#include "notifier/templates.hpp"
#include "storage/outbox.hpp"

namespace casegate::notifier {

struct Identity {
    std::string email;
    std::string name;
};

struct Notification {
    std::string kind;  ///< acknowledgement | office_alert | incomplete_reply | …
    Text text;
    std::vector<std::string> to;
    std::string auto_submitted = "auto-generated";
    std::string in_reply_to;
    std::vector<std::string> references;
    std::optional<std::int64_t> case_id, submission_id;
    /// The Message-ID to give it (without <>), e.g. one signed for its case; "" for a new
    /// unsigned one.
    std::string message_id;
    std::string reply_to;  ///< addr-spec; "" for none
    std::vector<MailAttachment> attachments;
};

/// A new globally unique Message-ID (without <>) in the sender's domain.
std::string new_message_id(const std::string& from_email);

/// Renders the notification as an outbox row. Throws std::invalid_argument when a recipient
/// or the sender is not a safe address.
storage::OutboxMessage compose(const Identity& from, const Notification& n);

}  // namespace casegate::notifier
