// The form service's spool: each submission received from the public form is written durably
// (every file fsynced, then the whole directory renamed into place and its parent fsynced)
// before the page says "received", and stays until casegate has acknowledged it. Nothing here
// knows HTTP or the form; the service and its tests use it alike.
//
//   SPOOL/tmp/RECEIPT/…       being written (left over after a crash: removed at start)
//   SPOOL/pending/RECEIPT/    submission.json, documents/1, documents/2, …
//
// Receipts sort by the time they were made (UTC, to the microsecond, then a random part), so a
// listing is in the order received; the pull API pages through them with an "after" cursor.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace casegate::formsvc {

struct SpoolDocument {
    std::string filename;
    std::string content_type;
    std::string content;
};

struct Spooled {
    std::string receipt;
    std::string received_at;  ///< ISO 8601, UTC
    std::string fields_json;  ///< the submission's fields, as the service wrote them
    std::vector<SpoolDocument> documents;
};

class Spool {
  public:
    /// Opens (creating, mode 0700) the spool in `dir`; removes what a crash left half-written.
    /// Throws std::runtime_error when the directory cannot be made or used.
    explicit Spool(std::string dir);

    /// Writes one submission durably and returns its receipt. Throws std::runtime_error when
    /// it could not be written (nothing is then left in pending/).
    std::string store(const std::string& fields_json, const std::vector<SpoolDocument>& documents);

    /// The receipts pending after `after` ("" for the first), oldest first, at most `limit`.
    std::vector<std::string> pending(const std::string& after, std::size_t limit) const;

    /// A pending submission with its documents; nullopt when there is none by that receipt.
    std::optional<Spooled> read(const std::string& receipt) const;

    /// Deletes a pending submission (casegate has it). True when it was pending; acknowledging
    /// again, or an unknown receipt, is harmless and false.
    bool acknowledge(const std::string& receipt);

    /// True for a string that has the shape of a receipt (so that it is safe as a file name).
    static bool is_receipt(const std::string& s);

  private:
    std::string dir_;
};

}  // namespace casegate::formsvc
