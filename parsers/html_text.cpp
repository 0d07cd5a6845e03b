// HTML to plain text with libxml2's HTML parser.
//
// SECURITY: the HTML is untrusted. libxml2 parses it with network access off and error output
// suppressed; nothing is fetched or executed, scripts and styles are dropped, and the tree is
// walked iteratively so that deep nesting cannot exhaust the stack.
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <climits>
#include <memory>
#include <string>

#include "parsers/headers.hpp"
#include "parsers/text.hpp"

namespace casegate::parsers {

namespace {

struct DocFree {
    void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};

bool name_in(const xmlNode* node, std::initializer_list<std::string_view> names) {
    const std::string_view name(reinterpret_cast<const char*>(node->name));
    for (std::string_view n : names)
        if (iequals(name, n)) return true;
    return false;
}

bool is_skipped(const xmlNode* node) {
    return name_in(node, {"script", "style", "head", "title", "noscript", "template"});
}

bool is_block(const xmlNode* node) {
    return name_in(node, {"p",      "div",    "tr",         "li",     "h1",   "h2",       "h3",
                          "h4",     "h5",     "h6",         "ul",     "ol",   "dl",       "dt",
                          "dd",     "table",  "blockquote", "pre",    "hr",   "section",  "article",
                          "header", "footer", "address",    "center", "form", "fieldset", "main",
                          "nav",    "aside",  "figure",     "caption"});
}

bool is_cell(const xmlNode* node) {
    return name_in(node, {"td", "th"});
}

// Builds the text: white space in text nodes collapses as a browser would, blocks start on a
// new line, table cells on one row are separated by a tab.
class TextBuilder {
  public:
    void text(std::string_view s, bool preformatted) {
        for (char c : s) {
            if (preformatted) {
                put(c);
            } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
                pending_space_ = true;
            } else {
                if (pending_space_ && !at_line_start()) out_ += ' ';
                pending_space_ = false;
                out_ += c;
            }
        }
    }
    void line_break() {
        out_ += '\n';
        pending_space_ = false;
    }
    void ensure_new_line() {
        if (!at_line_start()) line_break();
        pending_space_ = false;
    }
    void cell_separator() {
        if (!at_line_start()) out_ += '\t';
        pending_space_ = false;
    }
    const std::string& str() const { return out_; }

  private:
    void put(char c) {
        out_ += c;
        pending_space_ = false;
    }
    bool at_line_start() const { return out_.empty() || out_.back() == '\n'; }
    std::string out_;
    bool pending_space_ = false;
};

void on_enter(const xmlNode* node, TextBuilder& out, int& pre_depth) {
    if (name_in(node, {"br"})) out.line_break();
    if (is_block(node)) out.ensure_new_line();
    if (is_cell(node)) out.cell_separator();
    if (name_in(node, {"pre"})) ++pre_depth;
}

void on_leave(const xmlNode* node, TextBuilder& out, int& pre_depth) {
    if (is_block(node)) out.ensure_new_line();
    if (name_in(node, {"pre"})) --pre_depth;
}

// Walks the tree in document order by following parent/sibling links.
void walk(const xmlNode* root, TextBuilder& out) {
    int pre_depth = 0;
    const xmlNode* node = root;
    while (node != nullptr) {
        bool descend = false;
        if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
            if (node->content != nullptr)
                out.text(reinterpret_cast<const char*>(node->content), pre_depth > 0);
        } else if (node->type == XML_ELEMENT_NODE && !is_skipped(node)) {
            on_enter(node, out, pre_depth);
            descend = node->children != nullptr;
            if (!descend) on_leave(node, out, pre_depth);
        }
        if (descend) {
            node = node->children;
            continue;
        }
        while (node != nullptr && node != root && node->next == nullptr) {
            node = node->parent;
            if (node != nullptr && node->type == XML_ELEMENT_NODE) on_leave(node, out, pre_depth);
        }
        node = (node == nullptr || node == root) ? nullptr : node->next;
    }
}

// No-break and zero-width spaces become plain spaces or nothing, so that "Label:&nbsp;value"
// reads like typed text; lines lose trailing blanks; runs of blank lines shrink to one.
std::string tidy(std::string_view text) {
    std::string spaced;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const std::string_view rest = text.substr(i);
        if (rest.starts_with("\xC2\xA0")) {
            spaced += ' ';
            ++i;
        } else if (rest.starts_with("\xE2\x80\x8B") || rest.starts_with("\xEF\xBB\xBF")) {
            i += 2;
        } else {
            spaced += text[i];
        }
    }
    std::string out;
    std::size_t pos = 0;
    int blank_run = 0;
    while (pos < spaced.size()) {
        std::string_view line = next_line(spaced, pos);
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
        blank_run = line.empty() ? blank_run + 1 : 0;
        if (blank_run > 1 || (line.empty() && out.empty())) continue;
        out.append(line);
        out += '\n';
    }
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

}  // namespace

std::string html_to_text(std::string_view html) {
    if (html.empty() || html.size() > static_cast<std::size_t>(INT_MAX)) return {};
    const int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                        HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC;
    const std::unique_ptr<xmlDoc, DocFree> doc(
        htmlReadMemory(html.data(), static_cast<int>(html.size()), nullptr, "UTF-8", options));
    if (!doc) return {};
    TextBuilder builder;
    if (const xmlNode* root = xmlDocGetRootElement(doc.get())) walk(root, builder);
    return repair_utf8(tidy(builder.str()));
}

void prepare_parsers() {
    prepare_charsets();
    xmlInitParser();
}

}  // namespace casegate::parsers
