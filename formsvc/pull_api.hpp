// The pull API casegate reads the form service's spool through (casegate only makes outbound
// connections): every call carries `Authorization: Bearer TOKEN`, compared in constant time;
// without the right one the answer is 401 and says nothing else.
//
//   GET  /api/submissions?after=RECEIPT&limit=N   {"submissions": ["RECEIPT", …]} oldest first
//   GET  /api/submissions/RECEIPT                 {"receipt", "received_at", "fields": {…},
//                                                  "documents": [{"filename", "content_type",
//                                                  "size"}, …]}
//   GET  /api/submissions/RECEIPT/documents/N     the Nth document's bytes (1-based)
//   POST /api/submissions/RECEIPT/ack             {"acknowledged": true|false}; deleted only now,
//                                                 and acknowledging again is harmless
//
// Only what is still pending is listed, so a caller that starts each turn from the beginning
// (after = "") can miss nothing; `after` pages within a turn.
#pragma once

#include <string>

#include "formsvc/spool.hpp"
#include "http/http.hpp"

namespace casegate::formsvc {

/// The most receipts one listing gives.
inline constexpr std::size_t kMaxListed = 500;

/// True for the paths this API answers (everything under /api/).
bool is_pull_api(const http::Request& req);

/// Answers one call of the API. `token` is the configured pull token (never empty).
http::Response pull_api(Spool& spool, const std::string& token, const http::Request& req);

}  // namespace casegate::formsvc
