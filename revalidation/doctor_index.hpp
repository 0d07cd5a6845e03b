// Groups the input records by doctor: one GMC number, or one TIS person without a usable
// GMC number. Indices point into the caller's Inputs, which must outlive the index.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "revalidation/model.hpp"

namespace casegate::revalidation {

/// Half-open range [begin, end) into one of DoctorIndex's flat index vectors.
struct Span {
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
    std::uint32_t size() const { return end - begin; }
};

struct DoctorIndex {
    struct Doctor {
        std::string_view key;  ///< trimmed GMC number, or the TIS person id
        bool by_gmc = false;
        std::int32_t gmc_row = -1;  ///< index into Inputs::gmc, -1 when not connected
        Span persons;               ///< into `persons`: TIS persons, in input order
        Span actions;               ///< into `actions`: sorted by (at, input order)
        Span history;               ///< into `history`
        Span requests;              ///< into `requests`: sorted by (at, input order)
    };
    std::vector<Doctor> doctors;  ///< sorted by (key, GMC-keyed before TIS-keyed)
    std::vector<std::uint32_t> persons;
    std::vector<std::uint32_t> actions;
    std::vector<std::uint32_t> history;
    std::vector<std::uint32_t> requests;
};

/// Builds the index. Rules applied here (see docs/revalidation.md):
/// - a TIS person id given twice: the later record replaces the earlier one;
/// - a TIS person with neither a usable GMC number nor an id is dropped;
/// - several GMC rows for one number: the latest date_added wins (absent = oldest), ties go
///   to the later row; GMC rows without a usable number are dropped;
/// - actions, history and requests for doctors that are neither in TIS nor in GMC are dropped.
DoctorIndex build_doctor_index(const Inputs& in);

}  // namespace casegate::revalidation
