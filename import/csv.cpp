#include "import/csv.hpp"

#include <csv.h>

#include <memory>

#include "parsers/text.hpp"

namespace casegate::import {

namespace {

char guess_separator(std::string_view text) {
    std::size_t commas = 0, semicolons = 0;
    bool quoted = false;
    for (char c : text) {
        if (c == '"') quoted = !quoted;
        if (quoted) continue;
        if (c == '\n') break;
        if (c == ',') ++commas;
        if (c == ';') ++semicolons;
    }
    return semicolons > commas ? ';' : ',';
}

struct Collector {
    const CsvLimits* limits = nullptr;
    CsvTable* table = nullptr;
    std::vector<std::string> cells;
    int start_line = 0;
    int line = 0;
    bool ended = false;
    std::string fault;
};

void on_field(void* data, std::size_t size, void* out) {
    auto* c = static_cast<Collector*>(out);
    if (!c->fault.empty()) return;
    if (size > c->limits->max_cell_bytes) {
        c->fault = "a field is longer than " + std::to_string(c->limits->max_cell_bytes) +
                   " bytes";
        return;
    }
    if (c->cells.size() >= c->limits->max_cells) {
        c->fault = "more than " + std::to_string(c->limits->max_cells) + " fields";
        return;
    }
    c->cells.emplace_back(data ? static_cast<const char*>(data) : "", data ? size : 0);
}

void on_record(int, void* out) {
    auto* c = static_cast<Collector*>(out);
    c->ended = true;
    if (!c->fault.empty()) return;
    bool blank = true;
    for (const std::string& s : c->cells)
        if (s.find_first_not_of(" \t") != std::string::npos) blank = false;
    if (!blank) c->table->records.push_back({c->start_line, std::move(c->cells)});
    c->cells.clear();
}

}  // namespace

std::string to_utf8_text(std::string_view bytes, std::string& encoding) {
    if (bytes.starts_with("\xEF\xBB\xBF")) {
        encoding = "UTF-8 with BOM";
        bytes.remove_prefix(3);
        if (!parsers::is_valid_utf8(bytes)) throw CsvError("the file starts as UTF-8 but is not valid UTF-8");
        return std::string(bytes);
    }
    if (parsers::is_valid_utf8(bytes)) {
        encoding = "UTF-8";
        return std::string(bytes);
    }
    encoding = "Windows-1252";
    return parsers::to_utf8(bytes, "windows-1252");
}

CsvTable parse_csv(std::string_view bytes, const CsvLimits& limits) {
    if (bytes.size() > limits.max_bytes) {
        throw CsvError("the file is larger than " + std::to_string(limits.max_bytes / 1048576) +
                       " MB");
    }
    CsvTable table;
    const std::string text = to_utf8_text(bytes, table.encoding);
    table.separator = guess_separator(text);
    csv_parser p{};
    if (csv_init(&p, CSV_APPEND_NULL) != 0) throw CsvError("cannot start the CSV parser");
    const std::unique_ptr<csv_parser, void (*)(csv_parser*)> freer(&p, csv_free);
    csv_set_delim(&p, static_cast<unsigned char>(table.separator));
    Collector c;
    c.limits = &limits;
    c.table = &table;
    // Fed a line at a time, so that each record knows the line it starts on: a record starts
    // on a line begun outside any record (the quotes seen so far in the record are even).
    bool in_record = false;
    std::size_t quotes = 0;
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t end = text.find('\n', at);
        end = end == std::string::npos ? text.size() : end + 1;
        const std::string_view chunk(text.data() + at, end - at);
        ++c.line;
        if (!in_record) {
            c.start_line = c.line;
            quotes = 0;
        }
        c.ended = false;
        if (csv_parse(&p, chunk.data(), chunk.size(), on_field, on_record, &c) != chunk.size()) {
            throw CsvError("line " + std::to_string(c.start_line) + ": " +
                           csv_strerror(csv_error(&p)));
        }
        if (!c.fault.empty()) throw CsvError("line " + std::to_string(c.start_line) + ": " + c.fault);
        for (char ch : chunk)
            if (ch == '"') ++quotes;
        in_record = !c.ended && quotes % 2 == 1;
        if (!c.ended && quotes % 2 == 0) {
            // A final line without a line end: the record is finished by csv_fini.
            in_record = false;
        }
        at = end;
    }
    if (in_record) {
        throw CsvError("line " + std::to_string(c.start_line) +
                       ": a quoted field is not closed before the end of the file");
    }
    csv_fini(&p, on_field, on_record, &c);
    if (!c.fault.empty()) throw CsvError("line " + std::to_string(c.start_line) + ": " + c.fault);
    return table;
}

std::string csv_line(const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i) out += ',';
        const std::string& s = cells[i];
        const bool quote = s.find_first_of(",;\"\r\n") != std::string::npos ||
                           (!s.empty() && (s.front() == ' ' || s.back() == ' '));
        if (!quote) {
            out += s;
            continue;
        }
        std::string q(s.size() * 2 + 2, '\0');
        q.resize(csv_write(q.data(), q.size(), s.data(), s.size()));
        out += q;
    }
    return out + "\r\n";
}

}  // namespace casegate::import
