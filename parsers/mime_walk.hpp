// Internal to casegate_parsers: turning mimetic's entity tree into ParsedEmail content.
#pragma once

#include <string>

#include "parsers/email.hpp"
#include "parsers/headers.hpp"

namespace mimetic {
class MimeEntity;
}

namespace casegate::parsers {

/// Fills text_body, body_from_html, attachments, forwarded, is_delivery_report and defects of
/// `out` from the tree under `root`. `root_headers` replaces the root's own fields (mimetic
/// rewrites Content-Type). Returns a refusal naming a limit if the tree breaks one, else an
/// empty one.
Refusal walk_mime_tree(const mimetic::MimeEntity& root, const HeaderList& root_headers,
                       const MimeLimits& limits, ParsedEmail& out);

}  // namespace casegate::parsers
