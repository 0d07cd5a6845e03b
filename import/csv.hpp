// CSV as spreadsheets write it, read with libcsv: UTF-8 with or without a byte order mark, or
// Windows-1252 (what Excel writes as "CSV" on a British Windows); ',' or ';' between fields;
// quoted fields holding separators, quotes and line breaks. Every record keeps the line of the
// file it starts on, for messages an office can find in its spreadsheet.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace casegate::import {

class CsvError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct CsvRecord {
    int line = 0;  ///< the file's line (from 1) the record starts on
    std::vector<std::string> cells;
};

struct CsvTable {
    std::string encoding;  ///< "UTF-8 with BOM", "UTF-8" or "Windows-1252"
    char separator = ',';
    std::vector<CsvRecord> records;  ///< every non-blank record, the header first
};

struct CsvLimits {
    std::size_t max_bytes = 512UL * 1024 * 1024;
    std::size_t max_cell_bytes = 1024UL * 1024;
    std::size_t max_cells = 200;  ///< per record
};

/// The bytes as UTF-8: a UTF-8 BOM is dropped; valid UTF-8 is kept; anything else is read as
/// Windows-1252. `encoding` is set to which it was.
std::string to_utf8_text(std::string_view bytes, std::string& encoding);

/// Parses a whole file's bytes. The separator is the one of ',' and ';' found more often
/// outside quotes on the first line. Throws CsvError naming the line and the limit or the
/// fault (an unterminated quote).
CsvTable parse_csv(std::string_view bytes, const CsvLimits& limits = {});

/// One record as a CSV line ending in CRLF, with ',' between fields; a field is quoted when it
/// holds a separator, a quote, a line break or leading/trailing spaces.
std::string csv_line(const std::vector<std::string>& cells);

}  // namespace casegate::import
