// The calendar as casegate sees it: dates in the machine's local time zone.
#pragma once

#include <string>

namespace casegate::common {

/// Today's local date as YYYY-MM-DD.
std::string local_today();

}  // namespace casegate::common
