#include "import/employers.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>

#include "common/files.hpp"
#include "common/log.hpp"
#include "import/csv.hpp"
#include "storage/imports.hpp"
#include "util/strings.hpp"

namespace casegate::import {

namespace {

// Abbreviations written out, both in a list's names and in what people write.
const std::map<std::string, std::string, std::less<>>& abbreviations() {
    static const std::map<std::string, std::string, std::less<>> m = {
        {"univ", "university"},     {"uni", "university"},        {"hosp", "hospital"},
        {"hosps", "hospitals"},     {"ft", "foundation trust"},   {"nhsft", "nhs foundation trust"},
        {"st", "saint"},            {"tr", "trust"},              {"gen", "general"},
        {"hosptial", "hospital"},   {"hospitls", "hospitals"},    {"inf", "infirmary"},
        {"nhst", "nhs trust"},
    };
    return m;
}

bool is_ending(std::string_view w) {
    return w == "nhs" || w == "foundation" || w == "trust";
}

std::string upper(std::string_view s) {
    std::string out(util::trim(s));
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
}

}  // namespace

std::string employer_key(std::string_view written) {
    std::string flat;
    flat.reserve(written.size() + 8);
    for (std::size_t i = 0; i < written.size(); ++i) {
        const auto c = static_cast<unsigned char>(written[i]);
        if (c == '&') {
            flat += " and ";
        } else if (c == '\'') {
            // King's Lynn = Kings Lynn
        } else if (written.substr(i).starts_with("\xE2\x80\x99")) {
            i += 2;  // a typographic apostrophe
        } else if (c >= 'A' && c <= 'Z') {
            flat += static_cast<char>(c - 'A' + 'a');
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
            flat += static_cast<char>(c);
        } else {
            flat += ' ';
        }
    }
    std::vector<std::string> words;
    std::istringstream in(flat);
    for (std::string w; in >> w;) {
        const auto it = abbreviations().find(w);
        if (it == abbreviations().end()) {
            words.push_back(w);
            continue;
        }
        std::istringstream parts(it->second);
        for (std::string p; parts >> p;) words.push_back(p);
    }
    std::size_t begin = 0;
    if (!words.empty() && words.front() == "the") begin = 1;
    std::size_t end = words.size();
    while (end > begin + 1 && is_ending(words[end - 1])) --end;
    std::string key;
    for (std::size_t i = begin; i < end; ++i) {
        if (!key.empty()) key += ' ';
        key += words[i];
    }
    return key;
}

EmployerList EmployerList::from_rows(const std::vector<Employer>& rows) {
    EmployerList l;
    l.list_.reserve(rows.size());
    for (const Employer& e : rows) {
        const std::size_t i = l.list_.size();
        l.list_.push_back({upper(e.code), std::string(util::trim(e.name))});
        l.codes_.emplace(l.list_.back().code, i);
        l.keys_.emplace(employer_key(e.name), i);
    }
    return l;
}

EmployerList EmployerList::load(const std::string& path) {
    const std::optional<std::string> bytes = common::read_file(path);
    if (!bytes) throw std::runtime_error(path + ": cannot be read");
    CsvTable t;
    try {
        t = parse_csv(*bytes);
    } catch (const CsvError& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
    std::vector<Employer> rows;
    rows.reserve(t.records.size());
    for (const CsvRecord& r : t.records) {
        if (r.cells.size() < 2) {
            throw std::runtime_error(path + ": line " + std::to_string(r.line) +
                                     ": needs the code and the name");
        }
        const std::string code = upper(r.cells[0]);
        if (rows.empty() && (code == "ORGANISATION CODE" || code == "CODE" || code == "ODS CODE"))
            continue;  // a header
        if (code.empty() || code.size() > 10 ||
            code.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != std::string::npos) {
            throw std::runtime_error(path + ": line " + std::to_string(r.line) + ": '" +
                                     r.cells[0] + "' is not an ODS code");
        }
        rows.push_back({code, r.cells[1]});
    }
    return from_rows(rows);
}

const Employer* EmployerList::by_code(std::string_view code) const {
    const auto it = codes_.find(upper(code));
    return it == codes_.end() ? nullptr : &list_[it->second];
}

const Employer* EmployerList::match(std::string_view written) const {
    if (const Employer* e = by_code(written)) return e;
    const auto it = keys_.find(employer_key(written));
    return it == keys_.end() ? nullptr : &list_[it->second];
}

std::shared_ptr<const EmployerList> employer_list(const common::Config& cfg,
                                                  const std::string& office) {
    const common::OfficeConfig* o = cfg.office(office);
    if (!o || o->employers_file.empty()) return nullptr;
    struct Read {
        std::int64_t mtime = -1;
        std::shared_ptr<const EmployerList> list;
    };
    static std::mutex mutex;
    static std::map<std::string, Read> lists;
    struct stat st {};
    const std::int64_t mtime =
        ::stat(o->employers_file.c_str(), &st) == 0
            ? static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec
            : 0;
    const std::lock_guard<std::mutex> lock(mutex);
    Read& r = lists[o->employers_file];
    if (r.mtime != mtime) {
        r.mtime = mtime;
        r.list.reset();
        try {
            r.list = std::make_shared<const EmployerList>(EmployerList::load(o->employers_file));
            common::logger("employers")->info("employers list read office=\"{}\" employers={}",
                                              office, r.list->all().size());
        } catch (const std::exception& e) {
            common::logger("employers")->error("employers list not read office=\"{}\" error={}",
                                               office, e.what());
        }
    }
    return r.list;
}

std::vector<std::string> EmployerList::names() const {
    std::vector<std::string> out;
    out.reserve(list_.size());
    for (const Employer& e : list_) out.push_back(e.name);
    return out;
}

std::vector<std::string> region_employers(const common::Config& cfg) {
    std::set<std::string> names;
    for (const common::OfficeConfig& o : cfg.offices) {
        if (const auto l = employer_list(cfg, o.name))
            for (std::string& name : l->names()) names.insert(std::move(name));
    }
    return {names.begin(), names.end()};
}

EmployerMatch match_employer(storage::Db& db, const common::Config& cfg,
                             const std::string& office, std::string_view written) {
    if (util::trim(written).empty()) return {};
    const std::shared_ptr<const EmployerList> l = employer_list(cfg, office);
    if (!l) return {};  // no list: nothing to match, nor to map to
    if (const Employer* e = l->match(written)) return {e->code, e->name};
    if (const auto alias = storage::find_employer_alias(db, office, employer_key(written)))
        return {alias->code, alias->name};
    return {};
}

}  // namespace casegate::import
