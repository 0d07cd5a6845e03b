// Supporting documents sent with the public form: at most a configured number, each at most a
// configured size, and only PDF, Word (.docx, .doc) and images (PNG, JPEG), recognised by their
// content, never by the name or the type the browser claims. What is kept carries the type
// found and a file name reduced to something safe to show and store.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "formsvc/spool.hpp"
#include "http/http.hpp"

namespace casegate::formsvc {

/// The media type the bytes are, among those accepted; "" for anything else.
std::string_view sniff_document_type(std::string_view bytes);

/// A size as the pages say it: "10 MB", "1.5 MB", "500 KB" (rounded down above a megabyte).
std::string size_words(std::size_t bytes);

/// A file name without any path, control characters or more than 120 bytes; "document-N"
/// when nothing is left.
std::string safe_filename(std::string_view name, std::size_t n);

struct CheckedDocuments {
    std::vector<SpoolDocument> documents;
    std::string error;  ///< "" when every document is accepted; else the first refusal, naming
                        ///< the file and the limit
};

/// The uploads of the field `field` checked against the limits. Empty file inputs (nothing
/// chosen) are ignored.
CheckedDocuments check_documents(const std::vector<http::Upload>& uploads,
                                 const std::string& field, std::size_t max_count,
                                 std::size_t max_bytes);

}  // namespace casegate::formsvc
