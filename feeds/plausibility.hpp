// Whether a new snapshot of a feed (the TIS extract, or one DB's GetDoctorsForDB list) looks
// like the truth or like a failure upstream. A snapshot that is refused is recorded with its
// reason and the previous one stays in force (docs/revalidation.md, "Snapshot plausibility").
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace casegate::feeds {

struct PlausibilityPolicy {
    /// An empty snapshot is refused when the applied one had at least this many rows.
    std::size_t refuse_empty_after = 1;
    /// The shrink check applies only when the applied snapshot had at least this many rows:
    /// small bodies legitimately halve when two doctors leave.
    std::size_t min_previous_rows = 50;
    /// Refuse when the row count fell by more than this fraction of the applied one.
    double max_shrink_fraction = 0.25;
    /// Refuse when more than this fraction of the lines were bad (TIS; 0 rows read as 1).
    double max_error_fraction = 0.02;
    /// An operator's override for one run: apply whatever came (the reason still says why it
    /// would have been refused).
    bool force = false;
};

struct SnapshotCounts {
    std::optional<std::size_t> previous;  ///< rows of the snapshot in force; none for the first
    std::size_t current = 0;              ///< usable rows in the new one
    std::size_t errors = 0;               ///< rows (lines) that could not be read
};

struct PlausibilityVerdict {
    bool apply = true;
    std::string reason;  ///< why it is (or, when forced, would have been) refused; "" when fine
};

/// Decides whether the new snapshot may replace the one in force. Pure; never throws.
PlausibilityVerdict check_snapshot(const SnapshotCounts& counts, const PlausibilityPolicy& policy);

}  // namespace casegate::feeds
