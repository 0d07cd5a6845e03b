// Which case or submission a message answers, and whether its sender may add to it (seed 000
// Q24; DESIGN.md flow step 5). Pure: no database, network or HTTP header.
//
// casegate's notifications about a case carry a Message-ID signed with a secret key
// ("cg.REFERENCE.NONCE.MAC@domain"), so that an answer's In-Reply-To or References names the
// case in a way nobody can forge without having received one of them. The "[CG-…]" tag in a
// subject is the fallback: anyone can type it, so it is trusted only from the people who may
// add to the case anyway.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace casegate::workflow {

/// A Message-ID (without <>) for a notification about `reference`, signed with `key`.
/// `domain` is the part after '@'. Throws std::invalid_argument for an empty key or a
/// reference that is not one of casegate's.
std::string signed_message_id(std::string_view reference, std::string_view domain,
                              std::string_view key);

/// The reference a Message-ID of casegate's was signed for; nullopt when the id is not in that
/// shape, the signature does not match `key`, or `key` is empty.
std::optional<std::string> signed_reference(std::string_view message_id, std::string_view key);

/// True for "CG-YYYY-NNNNNN" (six digits or more).
bool is_reference(std::string_view s);

/// The first "[CG-YYYY-NNNNNN]" tag in a subject, without the brackets.
std::optional<std::string> subject_reference(std::string_view subject);

/// What a message says it answers.
struct ThreadHint {
    std::string reference;
    bool signed_id = false;  ///< found through a signed Message-ID, not only the subject tag
};

/// Signed Message-IDs in In-Reply-To, then References (the most recent first), then the
/// subject tag. nullopt when the message names no case or submission.
std::optional<ThreadHint> thread_hint(std::string_view in_reply_to,
                                      const std::vector<std::string>& references,
                                      std::string_view subject, std::string_view key);

/// The people who may add to a case or complete a submission: its referrer (the address the
/// form gives and the address it was sent from), the case manager, and the office's staff
/// and admin team mailboxes.
struct CaseParties {
    std::vector<std::string> referrer;
    std::string case_manager;
    std::vector<std::string> staff;
};

/// Who the sender is to the case, compared ignoring ASCII case.
enum class SenderRole { referrer, case_manager, staff, stranger };
SenderRole sender_role(std::string_view from, const CaseParties& parties);

// ---- staff acting by replying -------------------------------------------------------------
//
// A notification to a member of staff about a case carries a reply address with a token:
// casegate's own address with "+REFERENCE.EXPIRY.MAC" after the local part, MAC signing the
// reference, the recipient and the expiry day. Replying with a command on the first line acts
// on the case as that member of staff; the token proves the sender received the notification.

/// Days since 1970-01-01 (UTC) of a time in seconds since the epoch.
std::int64_t epoch_day(std::int64_t unix_seconds);

/// The tag of a staff notification's reply address: "REFERENCE.EXPIRY.MAC".
std::string reply_tag(std::string_view reference, std::string_view recipient,
                      std::int64_t expiry_day, std::string_view key);

/// `address` ("local@domain") with the tag: "local+TAG@domain".
std::string tagged_address(std::string_view address, std::string_view tag);

enum class TokenCheck { valid, not_a_token, forged, expired };

/// Checks a tag found in a recipient address for `sender` on `today` (an epoch day). On valid,
/// `reference` is set.
TokenCheck check_reply_tag(std::string_view tag, std::string_view sender, std::int64_t today,
                           std::string_view key, std::string& reference);

/// A command on the first line of a staff member's reply: `accept`, `return REASON`,
/// `assign EMAIL`, `review`, `close OUTCOME`, `note TEXT` (a note takes the rest of the text).
struct EmailCommand {
    std::string word;    ///< as the workflow names the change ("accept", "return", …)
    std::string detail;  ///< the reason, email, outcome or note; "" when none
};

/// The command in `text`, or nullopt with `error` saying what was wrong.
std::optional<EmailCommand> parse_email_command(std::string_view text, std::string& error);

}  // namespace casegate::workflow
