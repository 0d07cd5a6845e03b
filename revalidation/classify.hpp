// Classification of every doctor in the inputs by the rules of REVALIDATION.md.
#pragma once

#include <vector>

#include "revalidation/model.hpp"

namespace casegate::revalidation {

/// One classification per doctor (a usable GMC number, or a TIS person without one), sorted
/// by key; on an equal key the GMC-keyed doctor comes first. `today` is the date the rules are
/// applied on; records dated after it are ignored. Throws only std::bad_alloc.
std::vector<Classification> classify(const Inputs& in, Date today);

}  // namespace casegate::revalidation
