// Mustache templates (mstch), rendered in one place: plain text for emails, HTML-escaped for
// web pages, and a check of a template's tags that mstch itself does not make (it renders a
// misspelt name as nothing and an unclosed section as silence).
#pragma once

#include <mstch/mstch.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace casegate::util {

enum class Escape {
    none,  ///< {{name}} inserts the value as it is (text/plain email)
    html,  ///< {{name}} escapes & < > " ' ` = / (HTML); {{{name}}} never escapes
};

/// Renders `tmpl` with `context`. Thread-safe: the escaping chosen applies to this call only.
std::string render(const std::string& tmpl, const mstch::map& context, Escape escape);

/// What is wrong with a template's tags, each as "line N: …": a tag left open, a section not
/// closed or closed out of order, a name `sample` does not have (at any depth: a section's
/// names are those of its items), partials and delimiter changes (not supported). Empty when
/// the template is sound.
std::vector<std::string> check_template(std::string_view tmpl, const mstch::map& sample);

/// The HTML escaping of {{name}}.
std::string html_escape(std::string_view s);

}  // namespace casegate::util
