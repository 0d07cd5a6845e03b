// Whole files: reading one into memory (configuration, secrets, files given to `casegate
// parse`), and writing one durably (the form service's spool, a renewed OAuth 2.0 refresh
// token).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace casegate::common {

/// The file's bytes, or nullopt if it cannot be opened (errno says why).
std::optional<std::string> read_file(const std::string& path);

/// Creates `path` (mode 0600; it must not exist), writes `content` and fsyncs it. Throws
/// std::runtime_error naming the path and the system's reason.
void write_durably(const std::string& path, std::string_view content);

/// Makes a directory's entries (a file created or renamed in it) durable. Throws like
/// write_durably.
void sync_dir(const std::string& path);

/// Replaces `path` with a file holding `content` (mode 0600) so that a crash leaves either the
/// old file or the new one: written beside it, fsynced, renamed over it, the directory fsynced.
void replace_durably(const std::string& path, std::string_view content);

}  // namespace casegate::common
