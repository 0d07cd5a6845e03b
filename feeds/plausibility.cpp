#include "feeds/plausibility.hpp"

#include <cstdio>

namespace casegate::feeds {
namespace {

std::string percent(double f) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", f * 100.0);
    return buf;
}

std::string judge(const SnapshotCounts& c, const PlausibilityPolicy& p) {
    const std::size_t read = c.current + c.errors;
    if (c.errors > 0) {
        const double f = static_cast<double>(c.errors) / static_cast<double>(read);
        if (f > p.max_error_fraction) {
            return std::to_string(c.errors) + " of " + std::to_string(read) + " rows unreadable (" +
                   percent(f) + ", more than max_error_fraction " + percent(p.max_error_fraction) +
                   ")";
        }
    }
    if (!c.previous) return {};
    const std::size_t prev = *c.previous;
    if (c.current == 0 && prev >= p.refuse_empty_after && prev > 0) {
        return "empty snapshot where the one in force has " + std::to_string(prev) + " rows";
    }
    if (prev >= p.min_previous_rows && c.current < prev) {
        const double shrink = static_cast<double>(prev - c.current) / static_cast<double>(prev);
        if (shrink > p.max_shrink_fraction) {
            return "row count fell from " + std::to_string(prev) + " to " +
                   std::to_string(c.current) + " (" + percent(shrink) +
                   ", more than max_shrink_fraction " + percent(p.max_shrink_fraction) + ")";
        }
    }
    return {};
}

}  // namespace

PlausibilityVerdict check_snapshot(const SnapshotCounts& counts, const PlausibilityPolicy& policy) {
    PlausibilityVerdict v;
    v.reason = judge(counts, policy);
    v.apply = v.reason.empty() || policy.force;
    return v;
}

}  // namespace casegate::feeds
