// `casegate reval classify`: reads revalidation records as JSON lines, prints classifications.
//
// The files are extracts and admin records, so untrusted. Each non-blank line must be one
// JSON object, read by feeds/records_json (shared with the TIS feed); unknown keys are
// ignored; a line that is not JSON, has a wrong type, a bad date, an unknown enum word or
// misses a required key stops the command with exit 2 and a message "FILE:LINE: what" — a
// wrong classification would be worse than none.
#include "reval/classify_cli.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "feeds/records_json.hpp"
#include "revalidation/classify.hpp"

namespace casegate::reval {
namespace {

namespace rv = revalidation;
using json = nlohmann::json;

constexpr std::string_view usage =
    "usage: casegate reval classify --today YYYY-MM-DD [--tis FILE] [--gmc FILE] "
    "[--actions FILE] [--history FILE]";

bool blank(std::string_view line) {
    return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

bool read_file(const std::string& path, feeds::RecordKind kind, rv::Inputs& in, std::ostream& err) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        err << "reval classify: " << path << ": is a directory\n";
        return false;
    }
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        err << "reval classify: " << path << ": cannot open file\n";
        return false;
    }
    std::string line;
    for (std::size_t number = 1; std::getline(file, line); ++number) {
        if (blank(line)) continue;
        const feeds::RecordError problem = feeds::read_record_line(kind, line, in);
        if (!problem.empty()) {
            err << "reval classify: " << path << ":" << number << ": " << problem.to_string()
                << "\n";
            return false;
        }
    }
    if (file.bad()) {
        err << "reval classify: " << path << ": read error\n";
        return false;
    }
    return true;
}

json optional_string(const std::optional<std::string>& s) {
    return s ? json(*s) : json(nullptr);
}

nlohmann::ordered_json request_json(const rv::GmcRequestStatus& r) {
    nlohmann::ordered_json j;
    j["state"] = rv::to_string(r.state);
    j["action"] = rv::to_string(r.action);
    j["designated_body"] = r.designated_body;
    j["at"] = r.at.to_string();
    j["return_code"] = r.return_code ? json(*r.return_code) : json(nullptr);
    j["client_request_id"] = r.client_request_id;
    j["error"] = r.error;
    return j;
}

std::string to_json_line(const rv::Classification& c) {
    nlohmann::ordered_json j;
    j["key"] = c.key;
    j["gmc_number"] = optional_string(c.gmc_number);
    j["tis_person_id"] = optional_string(c.tis_person_id);
    j["list"] = rv::to_string(c.list);
    j["reasons"] = json::array();
    for (rv::Reason r : c.reasons) j["reasons"].push_back(rv::to_string(r));
    j["flagged"] = c.flagged;
    j["tis_designated_bodies"] = c.tis_designated_bodies;
    j["gmc_designated_body"] = optional_string(c.gmc_designated_body);
    j["visible_to"] = json::array();
    for (const rv::Visibility& v : c.visible_to) {
        nlohmann::ordered_json o;
        o["designated_body"] = v.designated_body;
        o["editable"] = v.editable;
        o["action"] =
            v.action == rv::OfficeAction::none ? json(nullptr) : json(rv::to_string(v.action));
        j["visible_to"].push_back(std::move(o));
    }
    if (c.gmc_request) j["gmc_request"] = request_json(*c.gmc_request);
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

struct Options {
    std::optional<rv::Date> today;
    std::vector<std::pair<std::string, feeds::RecordKind>> files;  ///< in the order given
};

// Returns the problem with the arguments, "" when they are usable.
std::string parse_args(const std::vector<std::string>& args, Options& o) {
    const std::vector<std::pair<std::string_view, feeds::RecordKind>> kinds{
        {"--tis", feeds::RecordKind::tis},
        {"--gmc", feeds::RecordKind::gmc},
        {"--actions", feeds::RecordKind::action},
        {"--history", feeds::RecordKind::history}};
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& opt = args[i];
        if (i + 1 >= args.size()) return "option " + opt + " needs a value";
        const std::string& value = args[++i];
        if (opt == "--today") {
            if (o.today) return "--today given twice";
            o.today = rv::Date::parse(value);
            if (!o.today) return "--today: expected a date YYYY-MM-DD, got \"" + value + "\"";
            continue;
        }
        auto kind =
            std::find_if(kinds.begin(), kinds.end(), [&](const auto& k) { return k.first == opt; });
        if (kind == kinds.end()) return "unknown option " + opt;
        o.files.emplace_back(value, kind->second);
    }
    if (!o.today) return "--today is required";
    return {};
}

}  // namespace

int reval_classify_main(const std::vector<std::string>& args, std::ostream& out,
                        std::ostream& err) {
    Options o;
    if (std::string problem = parse_args(args, o); !problem.empty()) {
        err << "reval classify: " << problem << "\n" << usage << "\n";
        return 2;
    }
    rv::Inputs in;
    for (const auto& [path, kind] : o.files) {
        if (!read_file(path, kind, in, err)) return 2;
    }
    for (const rv::Classification& c : rv::classify(in, *o.today)) {
        out << to_json_line(c) << '\n';
    }
    out.flush();
    return 0;
}

}  // namespace casegate::reval
