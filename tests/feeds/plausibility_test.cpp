// Snapshot plausibility: when a new snapshot may replace the one in force.
#include "feeds/plausibility.hpp"

#include <boost/test/unit_test.hpp>

using namespace casegate;
using feeds::check_snapshot;
using feeds::PlausibilityPolicy;
using feeds::SnapshotCounts;

BOOST_AUTO_TEST_SUITE(plausibility)

// The first snapshot is applied whatever its size, unless too many rows were unreadable.
BOOST_AUTO_TEST_CASE(first_snapshot) {
    BOOST_TEST(check_snapshot({std::nullopt, 0, 0}, {}).apply);
    BOOST_TEST(check_snapshot({std::nullopt, 500, 0}, {}).apply);
    const auto v = check_snapshot({std::nullopt, 90, 10}, {});
    BOOST_TEST(!v.apply);
    BOOST_TEST(v.reason.find("10 of 100 rows unreadable") != std::string::npos, v.reason);
}

// An empty snapshot where doctors were is refused, even for a small body.
BOOST_AUTO_TEST_CASE(empty_refused) {
    const auto v = check_snapshot({3, 0, 0}, {});
    BOOST_TEST(!v.apply);
    BOOST_TEST(v.reason == "empty snapshot where the one in force has 3 rows");
    BOOST_TEST(check_snapshot({0, 0, 0}, {}).apply);
}

// Shrinking by more than the fraction is refused for a big body, allowed at the boundary and
// for small bodies; growth is always fine.
BOOST_AUTO_TEST_CASE(shrink) {
    PlausibilityPolicy p;                                 // 25 %, from 50 rows
    BOOST_TEST(check_snapshot({1000, 750, 0}, p).apply);  // exactly 25 %
    const auto v = check_snapshot({1000, 749, 0}, p);
    BOOST_TEST(!v.apply);
    BOOST_TEST(v.reason.find("fell from 1000 to 749 (25.1%") != std::string::npos, v.reason);
    BOOST_TEST(check_snapshot({49, 10, 0}, p).apply);  // a small body may halve
    BOOST_TEST(!check_snapshot({50, 10, 0}, p).apply);
    BOOST_TEST(check_snapshot({1000, 5000, 0}, p).apply);
}

// The error fraction counts unreadable rows against all rows read.
BOOST_AUTO_TEST_CASE(error_fraction) {
    PlausibilityPolicy p;
    p.max_error_fraction = 0.01;
    BOOST_TEST(check_snapshot({1000, 990, 10}, p).apply);  // exactly 1 %
    BOOST_TEST(!check_snapshot({1000, 989, 11}, p).apply);
}

// force applies anyway but keeps the reason for the record.
BOOST_AUTO_TEST_CASE(force_keeps_reason) {
    PlausibilityPolicy p;
    p.force = true;
    const auto v = check_snapshot({1000, 0, 0}, p);
    BOOST_TEST(v.apply);
    BOOST_TEST(!v.reason.empty());
}

BOOST_AUTO_TEST_SUITE_END()
