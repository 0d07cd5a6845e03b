// TIS extract → TIS persons.
//
// SECURITY: the extract is untrusted: sizes are checked before anything is parsed, each line
// is parsed on its own by feeds/records_json (the same reader as `casegate reval classify`),
// and a bad line costs only itself. DIAGNOSTICS: per-line errors with line and field; a
// passed limit makes the whole extract unusable (`fatal`) rather than silently partial.
#include "feeds/tis_feed.hpp"

#include <algorithm>
#include <unordered_map>

#include "feeds/records_json.hpp"

namespace casegate::feeds {
namespace {

bool blank(std::string_view line) {
    return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

void add_error(TisFeed& feed, const TisFeedLimits& limits, std::size_t line, std::string field,
               std::string message) {
    ++feed.error_count;
    if (feed.errors.size() < limits.max_errors_kept) {
        feed.errors.push_back({line, std::move(field), std::move(message)});
    }
}

// Keeps the later line of a repeated person id at the later line's place.
void drop_repeated_ids(TisFeed& feed) {
    std::unordered_map<std::string_view, std::size_t> last;
    last.reserve(feed.persons.size());
    for (std::size_t i = 0; i < feed.persons.size(); ++i) {
        last[feed.persons[i].tis_person_id] = i;
    }
    if (last.size() == feed.persons.size()) return;
    std::vector<revalidation::TisPerson> kept;
    kept.reserve(last.size());
    for (std::size_t i = 0; i < feed.persons.size(); ++i) {
        if (last[feed.persons[i].tis_person_id] == i) kept.push_back(std::move(feed.persons[i]));
    }
    feed.duplicates = feed.persons.size() - kept.size();
    feed.persons = std::move(kept);
}

}  // namespace

TisFeed parse_tis_feed(std::string_view bytes, const TisFeedLimits& limits) {
    TisFeed feed;
    if (bytes.size() > limits.max_bytes) {
        feed.fatal = "extract of " + std::to_string(bytes.size()) +
                     " bytes exceeds max_bytes=" + std::to_string(limits.max_bytes);
        return feed;
    }
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
    revalidation::Inputs in;
    std::size_t number = 0;
    while (!bytes.empty()) {
        ++number;
        const std::size_t nl = bytes.find('\n');
        const std::string_view line = bytes.substr(0, nl);
        bytes.remove_prefix(nl == std::string_view::npos ? bytes.size() : nl + 1);
        if (blank(line)) continue;
        ++feed.lines;
        if (line.size() > limits.max_line_bytes) {
            add_error(feed, limits, number, "",
                      "line of " + std::to_string(line.size()) +
                          " bytes exceeds max_line_bytes=" + std::to_string(limits.max_line_bytes));
            continue;
        }
        if (in.tis.size() >= limits.max_records) {
            feed.fatal = "more than max_records=" + std::to_string(limits.max_records) +
                         " persons (line " + std::to_string(number) + ")";
            return feed;
        }
        const std::size_t before = in.tis.size();
        const RecordError e = read_record_line(RecordKind::tis, line, in);
        if (!e.empty()) {
            in.tis.resize(before);  // the partly read person is not kept
            add_error(feed, limits, number, e.field, e.message);
        }
    }
    feed.persons = std::move(in.tis);
    drop_repeated_ids(feed);
    return feed;
}

TisFeed fetch_tis_feed(std::string_view url, const net::HttpOptions& http,
                       const std::vector<std::string>& headers, const TisFeedLimits& limits) {
    net::HttpOptions opts = http;
    opts.max_response_bytes = std::min(opts.max_response_bytes, limits.max_bytes);
    const net::HttpResponse r = net::http_get(url, opts, headers);
    TisFeed feed;
    if (!r.ok) {
        feed.fatal = "TIS extract not fetched: " + r.error;
        feed.not_fetched = true;
    } else if (r.status != 200) {
        feed.fatal = "TIS extract not fetched: HTTP status " + std::to_string(r.status);
        feed.not_fetched = true;
    } else {
        feed = parse_tis_feed(r.body, limits);
    }
    return feed;
}

}  // namespace casegate::feeds
