// Walks mimetic's entity tree: picks the body text, collects attachments and forwards.
//
// SECURITY: the tree comes from untrusted bytes that already passed the limit checks; the
// walk is iterative and re-checks depth and part count on the tree mimetic actually built,
// in case its reading of malformed structure differs from the pre-scan's. Part content is
// decoded and converted to UTF-8 where it is text; only a base64-encoded message/rfc822 part
// is parsed again, as a message of its own within the limits still left.
#include "parsers/mime_walk.hpp"

#include <mimetic/mimetic.h>

#include <algorithm>

#include "parsers/mime_scan.hpp"
#include "parsers/text.hpp"
#include "parsers/transfer.hpp"

namespace casegate::parsers {

namespace {

constexpr int kTopLevel = -1;

struct Node {
    const mimetic::MimeEntity* entity = nullptr;
    HeaderList headers;
    std::string type;  // lower-case type/subtype, text/plain when absent
    StructuredValue content_type;
    bool attachment = false;  // Content-Disposition: attachment
    bool leaf = true;
    int owner = kTopLevel;  // index of the message/rfc822 node it belongs to
    int alt_group = -1;     // index of the nearest multipart/alternative above it
    int depth = 0;
};

struct Pending {
    const mimetic::MimeEntity* entity;
    int depth;
    int owner;
    int alt_group;
};

HeaderList entity_headers(const mimetic::MimeEntity& entity, std::vector<std::string>* defects) {
    HeaderList fields;
    for (const mimetic::Field& field : entity.header())
        fields.emplace_back(std::string(field.name().begin(), field.name().end()),
                            header_text(trim(field.value()), defects));
    return fields;
}

Node make_node(const Pending& p, HeaderList headers) {
    Node node;
    node.entity = p.entity;
    node.headers = std::move(headers);
    node.owner = p.owner;
    node.alt_group = p.alt_group;
    node.depth = p.depth;
    const std::string* ct = find_header(node.headers, "Content-Type");
    node.content_type = parse_structured(ct != nullptr ? *ct : "");
    node.type = node.content_type.token.find('/') == std::string::npos
                    ? "text/plain"  // RFC 2045 default, also for unreadable values
                    : node.content_type.token;
    if (const std::string* cd = find_header(node.headers, "Content-Disposition"))
        node.attachment = parse_structured(*cd).token == "attachment";
    return node;
}

// Flattens the tree in document order without recursion.
Refusal flatten(const mimetic::MimeEntity& root, const HeaderList& root_headers,
                const MimeLimits& limits, std::vector<Node>& nodes,
                std::vector<std::string>* defects) {
    std::vector<Pending> stack{{&root, 0, kTopLevel, -1}};
    while (!stack.empty()) {
        const Pending p = stack.back();
        stack.pop_back();
        if (p.depth > limits.max_depth)
            return limit_error("MIME depth", static_cast<std::size_t>(p.depth), "max_depth",
                               static_cast<std::size_t>(limits.max_depth));
        if (static_cast<int>(nodes.size()) >= limits.max_parts)
            return limit_error("part count", nodes.size() + 1, "max_parts",
                               static_cast<std::size_t>(limits.max_parts));
        const int index = static_cast<int>(nodes.size());
        nodes.push_back(
            make_node(p, p.entity == &root ? root_headers : entity_headers(*p.entity, defects)));
        Node& node = nodes.back();
        const mimetic::MimeEntityList& children = p.entity->body().parts();
        if (children.empty()) continue;
        node.leaf = false;
        const bool forward = node.type == "message/rfc822";
        const int owner = forward ? index : node.owner;
        const int alt = forward                                ? -1
                        : node.type == "multipart/alternative" ? index
                                                               : node.alt_group;
        for (auto it = children.rbegin(); it != children.rend(); ++it)
            stack.push_back({*it, p.depth + 1, owner, alt});
    }
    return {};
}

std::string decoded_content(const Node& node, std::vector<std::string>* defects) {
    const std::string* cte = find_header(node.headers, "Content-Transfer-Encoding");
    return decode_transfer(node.entity->body(), cte != nullptr ? *cte : "", defects);
}

// The first text/plain leaf of `owner` that is not an attachment, else the first text/html.
int select_body(const std::vector<Node>& nodes, int owner) {
    for (const std::string_view type : {"text/plain", "text/html"})
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            const Node& n = nodes[i];
            if (n.owner == owner && n.leaf && !n.attachment && n.type == type)
                return static_cast<int>(i);
        }
    return -1;
}

std::string body_text(const Node& node, std::vector<std::string>* defects, bool& from_html) {
    const std::string charset = param_value(node.content_type, "charset", defects);
    std::string text =
        normalise_line_ends(to_utf8(decoded_content(node, defects), charset, defects));
    from_html = node.type == "text/html";
    return from_html ? html_to_text(text) : text;
}

// The body and the other text renderings of it in the same multipart/alternative.
bool is_body_rendering(const std::vector<Node>& nodes, int body, std::size_t i) {
    if (body < 0) return false;
    if (static_cast<int>(i) == body) return true;
    const Node& b = nodes[static_cast<std::size_t>(body)];
    const Node& n = nodes[i];
    return b.alt_group >= 0 && n.alt_group == b.alt_group && n.owner == b.owner && !n.attachment &&
           (n.type == "text/plain" || n.type == "text/html");
}

std::string attachment_filename(const Node& node, std::vector<std::string>* defects) {
    if (const std::string* cd = find_header(node.headers, "Content-Disposition")) {
        std::string name = param_value(parse_structured(*cd), "filename", defects);
        if (!name.empty()) return name;
    }
    return param_value(node.content_type, "name", defects);
}

bool is_delivery_status(const Node& node, std::vector<std::string>* defects) {
    if (node.type == "message/delivery-status" || node.type == "message/global-delivery-status")
        return true;
    return node.type == "multipart/report" &&
           iequals(param_value(node.content_type, "report-type", defects), "delivery-status");
}

ForwardedMessage make_forward(const std::vector<Node>& nodes, int forward, int body,
                              std::vector<std::string>* defects) {
    ForwardedMessage fwd;
    // The forwarded message's own header is on the first node it owns.
    const auto first =
        std::find_if(nodes.begin(), nodes.end(), [&](const Node& n) { return n.owner == forward; });
    if (first != nodes.end()) {
        if (const std::string* from = find_header(first->headers, "From"))
            if (auto mailbox = first_mailbox(*from)) fwd.from_address = mailbox->address;
        if (const std::string* subject = find_header(first->headers, "Subject"))
            fwd.subject = decode_rfc2047(*subject, defects);
    }
    bool from_html = false;
    if (body >= 0)
        fwd.text_body = body_text(nodes[static_cast<std::size_t>(body)], defects, from_html);
    return fwd;
}

// RFC 2046 forbids encoding a message/rfc822 part, but some clients base64 it; mimetic then
// holds the encoded text as the body of the part's single child.
bool is_encoded_forward(const std::vector<Node>& nodes, std::size_t i) {
    const std::string* cte = find_header(nodes[i].headers, "Content-Transfer-Encoding");
    return cte != nullptr && iequals(trim(strip_comments(*cte)), "base64") &&
           i + 1 < nodes.size() && nodes[i + 1].owner == static_cast<int>(i);
}

// The inner parse ran with reduced depth and part limits; its error is restated in terms
// of the limits the caller set.
Refusal encoded_forward_error(const EmailOutcome& inner, const MimeLimits& limits) {
    const std::string where = " inside a base64-encoded message/rfc822 part";
    if (inner.limit == "max_depth")
        return {"MIME depth exceeds limit max_depth=" + std::to_string(limits.max_depth) + where,
                inner.limit};
    if (inner.limit == "max_parts")
        return {"part count exceeds limit max_parts=" + std::to_string(limits.max_parts) + where,
                inner.limit};
    return {inner.error.ends_with(where) ? inner.error : inner.error + where, inner.limit};
}

// Decodes such a part and parses it as a message of its own, within the limits still left.
Refusal add_encoded_forward(const std::vector<Node>& nodes, std::size_t i, const MimeLimits& limits,
                            ParsedEmail& out) {
    MimeLimits left = limits;
    left.max_depth = limits.max_depth - nodes[i].depth - 1;
    left.max_parts = limits.max_parts - static_cast<int>(nodes.size());
    const EmailOutcome inner = parse_email(decode_base64(nodes[i + 1].entity->body()), left);
    if (!inner.ok) return encoded_forward_error(inner, limits);
    add_defect(&out.defects, "base64-encoded message/rfc822 part decoded");
    const ParsedEmail& msg = inner.email;
    out.forwarded.push_back({msg.from_address, msg.subject, msg.text_body});
    out.forwarded.insert(out.forwarded.end(), msg.forwarded.begin(), msg.forwarded.end());
    out.attachments.insert(out.attachments.end(), msg.attachments.begin(), msg.attachments.end());
    for (const std::string& defect : msg.defects) add_defect(&out.defects, defect);
    return {};
}

}  // namespace

Refusal walk_mime_tree(const mimetic::MimeEntity& root, const HeaderList& root_headers,
                       const MimeLimits& limits, ParsedEmail& out) {
    std::vector<Node> nodes;
    std::vector<std::string>* defects = &out.defects;
    if (Refusal r = flatten(root, root_headers, limits, nodes, defects); !r.empty()) return r;
    std::vector<int> bodies;  // the selected body of the message and of each forward
    const int body = select_body(nodes, kTopLevel);
    bodies.push_back(body);
    if (body >= 0)
        out.text_body =
            body_text(nodes[static_cast<std::size_t>(body)], defects, out.body_from_html);
    std::vector<bool> encoded(nodes.size(), false);  // forwards read by add_encoded_forward
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        if (nodes[i].type != "message/rfc822" || nodes[i].leaf) continue;
        if (is_encoded_forward(nodes, i)) {
            encoded[i] = true;
            if (Refusal r = add_encoded_forward(nodes, i, limits, out); !r.empty()) return r;
            continue;
        }
        bodies.push_back(select_body(nodes, static_cast<int>(i)));
        out.forwarded.push_back(make_forward(nodes, static_cast<int>(i), bodies.back(), defects));
    }
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const Node& node = nodes[i];
        if (node.owner == kTopLevel && is_delivery_status(node, defects))
            out.is_delivery_report = true;
        const bool rendering = std::any_of(bodies.begin(), bodies.end(),
                                           [&](int b) { return is_body_rendering(nodes, b, i); });
        if (!node.leaf || rendering) continue;
        if (node.owner != kTopLevel && encoded[static_cast<std::size_t>(node.owner)]) continue;
        std::string data = decoded_content(node, defects);
        if (data.empty()) continue;
        out.attachments.push_back({attachment_filename(node, defects), node.type, std::move(data)});
    }
    return {};
}

}  // namespace casegate::parsers
