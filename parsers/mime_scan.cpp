// Limit checks on raw message bytes, made before mimetic parses them.
//
// SECURITY: mimetic recurses once per nesting level without a limit, grows header buffers
// quadratically and never reports a missing closing boundary. This file walks the structure
// iteratively (memory bounded by max_depth) and refuses, with the name of the limit, any
// message that would make mimetic misbehave. It errs on the side of refusing: where its
// reading of malformed structure may differ from mimetic's, a conservative rule decides.
#include "parsers/mime_scan.hpp"

#include <algorithm>

#include "parsers/headers.hpp"

namespace casegate::parsers {

namespace {

struct Frame {
    std::string delimiter;  // "--" + boundary
    int depth = 0;          // depth of the multipart entity itself
};

struct ContentInfo {
    std::string type;
    std::string boundary;
    bool multipart() const { return type == "multipart" || type.starts_with("multipart/"); }
};

ContentInfo content_info(const HeaderList& fields) {
    const std::string* value = find_header(fields, "Content-Type");
    if (value == nullptr) return {};
    const StructuredValue sv = parse_structured(*value);
    ContentInfo info{sv.token, {}};
    for (const auto& [name, param] : sv.params)
        if (name == "boundary") return ContentInfo{sv.token, param};
    return info;
}

// Index of the innermost open multipart whose delimiter starts `line`, or -1.
int match_frame(const std::vector<Frame>& frames, std::string_view line, bool& closing) {
    for (int k = static_cast<int>(frames.size()) - 1; k >= 0; --k) {
        const std::string& delimiter = frames[static_cast<std::size_t>(k)].delimiter;
        if (line.starts_with(delimiter)) {
            closing = line.substr(delimiter.size()).starts_with("--");
            return k;
        }
    }
    return -1;
}

class Scanner {
  public:
    Scanner(std::string_view raw, const MimeLimits& limits) : raw_(raw), limits_(limits) {}

    MimeScan run() {
        bool at_header = true;
        int depth = 0;
        while (scan_.error.empty()) {
            if (at_header) {
                at_header = enter_entity(depth);
                if (at_header) ++depth;  // message/rfc822: its message's header follows
                continue;
            }
            if (pos_ >= raw_.size() || frames_.empty()) break;  // the rest is plain body
            body_line(at_header, depth);
        }
        if (scan_.error.empty() && !frames_.empty())
            add_defect(&scan_.defects, "missing closing boundary");
        return scan_;
    }

  private:
    void refuse(Refusal r) {
        scan_.error = std::move(r.reason);
        scan_.limit = std::move(r.limit);
    }

    // Reads one entity's header; returns true when the entity is message/rfc822.
    bool enter_entity(int depth) {
        ++scan_.parts;
        scan_.depth = std::max(scan_.depth, depth);
        if (depth > limits_.max_depth) {
            refuse(limit_error("MIME depth", static_cast<std::size_t>(depth), "max_depth",
                               static_cast<std::size_t>(limits_.max_depth)));
            return false;
        }
        const HeaderBlock block = split_header_block(raw_.substr(pos_), limits_.max_header_bytes);
        if (block.scanned_bytes > limits_.max_header_bytes) {
            refuse(limit_error("header size", block.scanned_bytes, "max_header_bytes",
                               limits_.max_header_bytes));
            return false;
        }
        pos_ += block.body_offset;
        const ContentInfo info = content_info(block.fields);
        if (info.multipart()) {
            // mimetic would take a missing boundary as "--", split the body at every "--" and
            // can throw while doing so: the structure is unreadable.
            if (info.boundary.empty()) {
                scan_.error = "multipart without boundary parameter";
                return false;
            }
            frames_.push_back(Frame{"--" + info.boundary, depth});
            return false;
        }
        return info.type == "message/rfc822";
    }

    void body_line(bool& at_header, int& depth) {
        const std::size_t line_start = pos_;
        const std::string_view line = next_mime_line(raw_, pos_);
        // mimetic finds boundaries anywhere in a line and may read what follows as a header,
        // where a huge line would hit its quadratic header buffer. Inside a multipart no sane
        // part has such a line (SMTP allows 998 bytes), so any of them is refused.
        if (line.size() > limits_.max_header_bytes) {
            refuse(limit_error("line length", line.size(), "max_header_bytes",
                               limits_.max_header_bytes));
            return;
        }
        bool closing = false;
        const int k = match_frame(frames_, line, closing);
        if (k < 0) return;
        if (static_cast<std::size_t>(k) + 1 != frames_.size()) {
            add_defect(&scan_.defects, "missing closing boundary");
            frames_.resize(static_cast<std::size_t>(k) + 1);
        }
        if (closing) {
            frames_.pop_back();
            return;
        }
        depth = frames_.back().depth + 1;
        at_header = true;
        start_part_header(line_start + frames_.back().delimiter.size());
    }

    // Like mimetic, the part's header starts right after the delimiter, past one line break
    // if there is one there: text after the delimiter on its line is read as header.
    void start_part_header(std::size_t after_delimiter) {
        pos_ = after_delimiter;
        if (pos_ < raw_.size() && (raw_[pos_] == '\r' || raw_[pos_] == '\n')) {
            const char first = raw_[pos_++];
            if (pos_ < raw_.size() && (raw_[pos_] == '\r' || raw_[pos_] == '\n') &&
                raw_[pos_] != first)
                ++pos_;
        }
    }

    std::string_view raw_;
    const MimeLimits& limits_;
    std::size_t pos_ = 0;
    std::vector<Frame> frames_;
    MimeScan scan_;
};

// Each level of mimetic's recursion needs its own multipart or message/rfc822 declaration,
// so this count bounds its depth whatever the boundaries say.
std::size_t count_nesting_declarations(std::string_view raw) {
    // Either word, in any case, counted in one pass (neither can overlap itself or the other).
    const auto at = [raw](std::size_t i, std::string_view word) {
        if (raw.size() - i < word.size()) return false;
        for (std::size_t k = 0; k < word.size(); ++k) {
            const char a = raw[i + k];
            if ((a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) != word[k])
                return false;
        }
        return true;
    };
    std::size_t count = 0;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const char c = static_cast<char>(raw[i] | 0x20);  // 'm' or 'r' only from M/m or R/r
        if (c == 'm' && at(i, "multipart")) {
            ++count;
            i += 8;
        } else if (c == 'r' && at(i, "rfc822")) {
            ++count;
            i += 5;
        }
    }
    return count;
}

}  // namespace

Refusal limit_error(std::string_view what, std::size_t value, std::string_view limit,
                    std::size_t limit_value) {
    return {std::string(what) + " " + std::to_string(value) + " exceeds limit " +
                std::string(limit) + "=" + std::to_string(limit_value),
            std::string(limit)};
}

MimeScan scan_mime_structure(std::string_view raw, const MimeLimits& limits) {
    return Scanner(raw, limits).run();
}

Refusal check_before_parsing(std::string_view raw, const MimeLimits& limits,
                             std::vector<std::string>* defects) {
    MimeScan scan = scan_mime_structure(raw, limits);
    if (!scan.error.empty()) return {std::move(scan.error), std::move(scan.limit)};
    const auto max_parts = static_cast<std::size_t>(std::max(limits.max_parts, 0));
    if (static_cast<std::size_t>(scan.parts) > max_parts)
        return limit_error("part count", static_cast<std::size_t>(scan.parts), "max_parts",
                           max_parts);
    if (const std::size_t declared = count_nesting_declarations(raw); declared > max_parts)
        return limit_error("multipart/message declaration count", declared, "max_parts", max_parts);
    for (std::string& defect : scan.defects) add_defect(defects, std::move(defect));
    return {};
}

}  // namespace casegate::parsers
