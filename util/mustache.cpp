#include "util/mustache.hpp"

#include <algorithm>
#include <mutex>
#include <set>

#include "util/strings.hpp"

namespace casegate::util {
namespace {

// mstch has one escaping function for the whole process; it follows the calling thread's wish.
thread_local Escape t_escape = Escape::html;

void install_escape() {
    static std::once_flag once;
    std::call_once(once, [] {
        mstch::config::escape = [](const std::string& s) {
            return t_escape == Escape::none ? s : html_escape(s);
        };
    });
}

void collect_names(const mstch::node& node, std::set<std::string>& names);

void collect_names(const mstch::map& map, std::set<std::string>& names) {
    for (const auto& [key, value] : map) {
        names.insert(key);
        collect_names(value, names);
    }
}

void collect_names(const mstch::node& node, std::set<std::string>& names) {
    if (const auto* m = boost::get<mstch::map>(&node)) {
        collect_names(*m, names);
    } else if (const auto* a = boost::get<mstch::array>(&node)) {
        for (const mstch::node& item : *a) collect_names(item, names);
    }
}

std::string line_number(std::string_view text, std::size_t pos) {
    return std::to_string(1 +
                          std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n'));
}

std::string line_of(std::string_view text, std::size_t pos) {
    return "line " + line_number(text, pos) + ": ";
}

}  // namespace

std::string html_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            case '`':
                out += "&#96;";
                break;
            case '=':
                out += "&#61;";
                break;
            case '/':
                out += "&#47;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string render(const std::string& tmpl, const mstch::map& context, Escape escape) {
    install_escape();
    const Escape before = t_escape;
    t_escape = escape;
    try {
        std::string out = mstch::render(tmpl, context);
        t_escape = before;
        return out;
    } catch (...) {
        t_escape = before;
        throw;
    }
}

std::vector<std::string> check_template(std::string_view tmpl, const mstch::map& sample) {
    std::set<std::string> names;
    collect_names(sample, names);
    std::vector<std::string> problems;
    std::vector<std::pair<std::string, std::size_t>> open;  // sections, innermost last
    std::size_t pos = 0;
    while ((pos = tmpl.find("{{", pos)) != std::string_view::npos) {
        const bool triple = tmpl.compare(pos, 3, "{{{") == 0;
        const std::string_view closer = triple ? "}}}" : "}}";
        const std::size_t start = pos + (triple ? 3 : 2);
        const std::size_t end = tmpl.find(closer, start);
        const std::size_t newline = tmpl.find('\n', start);
        if (end == std::string_view::npos || newline < end) {
            problems.push_back(line_of(tmpl, pos) + "a tag opened with " +
                               std::string(triple ? "{{{" : "{{") + " is not closed with " +
                               std::string(closer) + " on the same line");
            break;
        }
        std::string_view tag = trim(tmpl.substr(start, end - start));
        const char sigil = tag.empty() ? '\0' : tag.front();
        if (sigil == '!') {  // a comment
            pos = end + closer.size();
            continue;
        }
        if (std::string_view("#^/&>=").find(sigil) != std::string_view::npos && sigil != '\0') {
            tag = trim(tag.substr(1));
        }
        const std::string name(tag);
        const std::string where = line_of(tmpl, pos);
        if (sigil == '>' || sigil == '=') {
            problems.push_back(
                where +
                (sigil == '>' ? "partials ({{>name}})" : "changing the delimiters ({{=…=}})") +
                " are not supported");
        } else if (name.empty()) {
            problems.push_back(where + "an empty tag");
        } else if (name != "." && names.count(name.substr(0, name.find('.'))) == 0) {
            std::string known;
            for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
            problems.push_back(
                concat({where, "unknown name '", name, "' (this text knows: ", known, ")"}));
        }
        if (sigil == '#' || sigil == '^') {
            open.emplace_back(name, pos);
        } else if (sigil == '/') {
            if (open.empty()) {
                problems.push_back(concat({where, "{{/", name, "}} closes no section"}));
            } else if (open.back().first != name) {
                const std::string& inner = open.back().first;
                problems.push_back(
                    concat({where, "{{/", name, "}} closes '", inner, "', opened on line ",
                            line_number(tmpl, open.back().second), "; expected {{/", inner, "}}"}));
                // Read it as closing the inner sections too, when it names an outer one.
                const auto outer = std::find_if(open.rbegin(), open.rend(),
                                                [&](const auto& o) { return o.first == name; });
                if (outer != open.rend()) open.erase(std::prev(outer.base()), open.end());
            } else {
                open.pop_back();
            }
        }
        pos = end + closer.size();
    }
    for (const auto& [name, at] : open) {
        problems.push_back(
            concat({line_of(tmpl, at), "section '", name, "' is never closed ({{/", name, "}})"}));
    }
    return problems;
}

}  // namespace casegate::util
