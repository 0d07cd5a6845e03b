// Header blocks, addresses and msg-ids.
//
// SECURITY: the input is any bytes a sender chose. Nothing here trusts a length, a quote or a
// bracket to be closed: every loop is bounded by the input size and malformed syntax yields
// the best partial reading (or nothing), never an exception.
#include "parsers/headers.hpp"

#include <algorithm>

#include "parsers/text.hpp"

namespace casegate::parsers {

namespace {

constexpr std::size_t kMaxDefects = 50;

bool is_wsp(char c) {
    return c == ' ' || c == '\t';
}
bool is_space(char c) {
    return is_wsp(c) || c == '\r' || c == '\n';
}
char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// A field line is `name:` where name is printable ASCII without ':' (trailing blanks allowed,
// as mimetic allows them). Returns the position of the colon, or npos.
std::size_t field_colon(std::string_view line) {
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return std::string_view::npos;
    std::size_t end = colon;
    while (end > 0 && is_wsp(line[end - 1])) --end;
    if (end == 0) return std::string_view::npos;
    for (std::size_t i = 0; i < end; ++i) {
        const auto c = static_cast<unsigned char>(line[i]);
        if (c <= 32 || c >= 127) return std::string_view::npos;
    }
    return colon;
}

// Reads a quoted string starting at s[i] == '"'; returns its unescaped content and moves i
// past the closing quote (or to the end when it is missing).
std::string read_quoted(std::string_view s, std::size_t& i) {
    std::string out;
    for (++i; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            out += s[++i];
        } else if (s[i] == '"') {
            ++i;
            return out;
        } else {
            out += s[i];
        }
    }
    return out;
}

// Reads a comment starting at s[i] == '('; nested comments count, quoted-pairs are skipped.
std::string read_comment(std::string_view s, std::size_t& i) {
    std::string out;
    int level = 0;
    for (; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '\\' && i + 1 < s.size()) {
            out += s[++i];
            continue;
        }
        if (c == '(' && level++ == 0) continue;
        if (c == ')' && --level == 0) {
            ++i;
            return out;
        }
        out += c;
    }
    return out;
}

std::string normalise_addr_spec(std::string_view addr) {
    std::string out;
    for (char c : addr)
        if (!is_space(c)) out += c;
    // A source route `@a,@b:user@host` keeps only the mailbox.
    if (!out.empty() && out[0] == '@') {
        const std::size_t colon = out.find(':');
        out = colon == std::string::npos ? std::string() : out.substr(colon + 1);
    }
    const std::size_t at = out.rfind('@');
    if (at != std::string::npos)
        std::transform(out.begin() + static_cast<std::ptrdiff_t>(at), out.end(),
                       out.begin() + static_cast<std::ptrdiff_t>(at), lower);
    return out;
}

// Collects the words of a display phrase with single spaces between them.
struct Phrase {
    std::string text;
    bool pending_space = false;
    void add(std::string_view piece) {
        if (pending_space && !text.empty()) text += ' ';
        pending_space = false;
        text += piece;
    }
    void clear() { *this = Phrase{}; }
};

}  // namespace

bool istarts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

namespace {
// One line from pos, advancing pos past its end. `mime_pairs` also takes "\n\r" as one line
// end, as mimetic does.
std::string_view take_line(std::string_view raw, std::size_t& pos, bool mime_pairs) {
    const std::size_t start = pos;
    const std::size_t eol = raw.find_first_of("\r\n", start);
    if (eol == std::string_view::npos) {
        pos = raw.size();
        return raw.substr(start);
    }
    pos = eol + 1;
    if (pos < raw.size()) {
        const bool crlf = raw[eol] == '\r' && raw[pos] == '\n';
        const bool lfcr = mime_pairs && raw[eol] == '\n' && raw[pos] == '\r';
        if (crlf || lfcr) ++pos;
    }
    return raw.substr(start, eol - start);
}
}  // namespace

std::string_view next_line(std::string_view raw, std::size_t& pos) {
    return take_line(raw, pos, false);
}

std::string_view next_mime_line(std::string_view raw, std::size_t& pos) {
    return take_line(raw, pos, true);
}

const std::string* find_header(const HeaderList& fields, std::string_view name) {
    for (const auto& [field_name, value] : fields)
        if (iequals(field_name, name)) return &value;
    return nullptr;
}

HeaderBlock split_header_block(std::string_view raw, std::size_t max_bytes) {
    HeaderBlock block;
    std::size_t pos = 0;
    while (pos < raw.size()) {
        const std::size_t line_start = pos;
        const std::string_view line = next_mime_line(raw, pos);
        block.scanned_bytes = pos;
        if (line.empty()) {
            block.header_bytes = line_start;
            block.body_offset = pos;
            break;
        }
        if (is_wsp(line.front()) && !block.fields.empty()) {
            block.fields.back().second += line;  // unfolding removes only the line break
        } else if (const std::size_t colon = field_colon(line); colon != std::string_view::npos) {
            block.fields.emplace_back(std::string(trim(line.substr(0, colon))),
                                      std::string(line.substr(colon + 1)));
        } else if (line.front() != ':') {     // mimetic skips lines starting with ':'
            block.header_bytes = line_start;  // not a field: the body starts here
            block.body_offset = line_start;
            break;
        }
        block.header_bytes = block.body_offset = pos;
        if (pos > max_bytes) break;
    }
    for (auto& field : block.fields) field.second = std::string(trim(field.second));
    return block;
}

std::string header_text(std::string_view value, std::vector<std::string>* defects) {
    return is_valid_utf8(value) ? std::string(value) : to_utf8(value, "", defects);
}

std::string strip_comments(std::string_view value) {
    std::string out;
    for (std::size_t i = 0; i < value.size();) {
        if (value[i] == '"') {
            const std::size_t start = i;
            read_quoted(value, i);
            out += value.substr(start, i - start);
        } else if (value[i] == '(') {
            read_comment(value, i);
            out += ' ';
        } else {
            out += value[i++];
        }
    }
    return out;
}

std::optional<Mailbox> first_mailbox(std::string_view value) {
    Phrase phrase;
    std::string bare;  // the characters outside quotes and comments, for a bare addr-spec
    std::string comment;
    int bare_words = 0;
    bool in_word = false;
    for (std::size_t i = 0; i < value.size();) {
        const char c = value[i];
        if (c == '"') {
            const std::size_t start = i;
            phrase.add(read_quoted(value, i));
            bare += value.substr(start, i - start);
            bare_words += in_word ? 0 : 1;
            in_word = true;
        } else if (c == '(') {
            std::string text = read_comment(value, i);
            if (comment.empty()) comment = std::string(trim(text));
            phrase.pending_space = true;
            in_word = false;
        } else if (c == '<') {
            const std::size_t close = value.find('>', i);
            const std::size_t end = close == std::string_view::npos ? value.size() : close;
            return Mailbox{normalise_addr_spec(strip_comments(value.substr(i + 1, end - i - 1))),
                           phrase.text};
        } else if (c == ':') {  // a group: its name is not a mailbox
            phrase.clear();
            bare.clear();
            comment.clear();
            bare_words = 0;
            in_word = false;
            ++i;
        } else if (c == ',' && bare.find('@') == std::string::npos &&
                   value.find('<', i) != std::string_view::npos) {
            phrase.text += c;  // `Smith, Jane <j@x>`: an unquoted comma inside the name
            ++i;
        } else if (c == ',' || c == ';') {
            if (bare_words == 1 || bare.find('@') != std::string::npos)
                return Mailbox{normalise_addr_spec(bare), comment};
            phrase.clear();
            bare.clear();
            comment.clear();
            bare_words = 0;
            in_word = false;
            ++i;
        } else if (is_space(c)) {
            phrase.pending_space = true;
            in_word = false;
            ++i;
        } else {
            phrase.add(std::string_view(&value[i], 1));
            bare += c;
            bare_words += in_word ? 0 : 1;
            in_word = true;
            ++i;
        }
    }
    if (bare_words == 1 || bare.find('@') != std::string::npos)
        return Mailbox{normalise_addr_spec(bare), comment};
    return std::nullopt;
}

std::vector<std::string> parse_msg_ids(std::string_view value) {
    std::vector<std::string> bracketed;
    std::vector<std::string> bare;
    const std::string text = strip_comments(value);
    const std::string_view s(text);
    for (std::size_t i = 0; i < s.size();) {
        if (s[i] == '"') {
            read_quoted(s, i);  // old-style "Your message of ..." phrases
        } else if (s[i] == '<') {
            const std::size_t close = s.find('>', i);
            const std::size_t end = close == std::string_view::npos ? s.size() : close;
            std::string id;
            for (char c : s.substr(i + 1, end - i - 1))
                if (!is_space(c)) id += c;
            if (!id.empty()) bracketed.push_back(std::move(id));
            i = end + 1;
        } else if (is_space(s[i]) || s[i] == ',') {
            ++i;
        } else {
            const std::size_t end = std::min(s.find_first_of(" \t\r\n,<\"", i), s.size());
            const std::string_view token = s.substr(i, end - i);
            if (token.find('@') != std::string_view::npos) bare.emplace_back(token);
            i = end;
        }
    }
    return bracketed.empty() ? bare : bracketed;
}

void add_defect(std::vector<std::string>* defects, std::string defect) {
    if (defects == nullptr || defects->size() >= kMaxDefects) return;
    if (std::find(defects->begin(), defects->end(), defect) == defects->end())
        defects->push_back(std::move(defect));
}

std::string printable_excerpt(std::string_view s, std::size_t max) {
    std::string out;
    for (char c : s) {
        if (out.size() >= max) break;
        const auto u = static_cast<unsigned char>(c);
        out += (u >= 32 && u < 127) ? c : '?';
    }
    return out;
}

}  // namespace casegate::parsers
