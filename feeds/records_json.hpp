// The JSON-lines record shapes of REVALIDATION.md (TIS person, GMC row, manual action or GMC
// request, connection history), read one line at a time. Shared by `casegate reval classify`
// and the TIS feed so that both accept exactly the same lines.
#pragma once

#include <string>
#include <string_view>

#include "revalidation/model.hpp"

namespace casegate::feeds {

enum class RecordKind { tis, gmc, action, history };

/// What is wrong with one line. `field` is the key path ("programme_memberships[0].type"),
/// empty when the line as a whole is bad ("not valid JSON").
struct RecordError {
    std::string field;
    std::string message;

    bool empty() const { return message.empty(); }
    /// "field: message", or just the message when there is no field.
    std::string to_string() const;
};

/// Parses one non-blank line holding one JSON object of the given kind and appends the record
/// to the matching vector of `in`. Unknown keys are ignored; a wrong type, a bad date, an
/// unknown enum word or a missing required key is an error (the record may still have been
/// appended, partly filled: a caller that keeps going must drop it). Never throws for bad
/// input; throws std::bad_alloc only.
RecordError read_record_line(RecordKind kind, std::string_view line, revalidation::Inputs& in);

}  // namespace casegate::feeds
