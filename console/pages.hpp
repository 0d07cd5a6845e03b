// The console's HTML templates (console/templates/*.html, built in), rendered with HTML escaping.
#pragma once

#include <string>

#include "util/mustache.hpp"

namespace casegate::console {

/// Renders the built-in page template `name` ("layout", "cases", …) with `context`; every
/// {{value}} is HTML-escaped. Throws std::logic_error for a name that is not built in.
std::string render_page(const std::string& name, const mstch::map& context);

}  // namespace casegate::console
