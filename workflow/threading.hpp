// Which case or submission a message answers, and whether its sender may add to it (seed 000
// Q24; DESIGN.md flow step 5). Pure: no database, network or HTTP header.
//
// casegate's notifications about a case carry a Message-ID signed with a secret key
// ("cg.REFERENCE.NONCE.MAC@domain"), so that an answer's In-Reply-To or References names the
// case in a way nobody can forge without having received one of them. The "[CG-…]" tag in a
// subject is the fallback: anyone can type it, so it is trusted only from the people who may
// add to the case anyway.
#pragma once

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

}  // namespace casegate::workflow
