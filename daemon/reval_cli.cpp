// `casegate reval classify`: reads revalidation records as JSON lines, prints classifications.
//
// The files are extracts and admin records, so untrusted. Each non-blank line must be one
// JSON object; unknown keys are ignored; a line that is not JSON, has a wrong type, a bad date,
// an unknown enum word or misses a required key stops the command with exit 2 and a message
// "FILE:LINE: what" — a wrong classification would be worse than none.
#include "daemon/reval_cli.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "revalidation/classify.hpp"

namespace casegate::daemon {
namespace {

namespace rv = revalidation;
using json = nlohmann::json;

constexpr std::string_view usage =
    "usage: casegate reval classify --today YYYY-MM-DD [--tis FILE] [--gmc FILE] "
    "[--actions FILE] [--history FILE]";

enum class Need { optional, required };

// Typed access to one JSON object's fields; the first problem is kept as the error.
class Fields {
  public:
    Fields(const json& obj, std::string path) : obj_(obj), path_(std::move(path)) {}

    std::string text(const char* key, Need need = Need::optional) {
        const json* v = find(key, need);
        if (!v) return {};
        if (!v->is_string()) {
            fail(key, "expected a string");
            return {};
        }
        std::string s = v->get<std::string>();
        if (s.empty() && need == Need::required) fail(key, "must not be empty");
        return s;
    }

    std::optional<rv::Date> date(const char* key, Need need = Need::optional) {
        const json* v = find(key, need);
        if (!v) return std::nullopt;
        auto d = v->is_string() ? rv::Date::parse(v->get<std::string>()) : std::nullopt;
        if (!d) fail(key, "expected a date YYYY-MM-DD, got " + v->dump());
        return d;
    }

    std::optional<int> integer(const char* key) {
        const json* v = find(key, Need::optional);
        if (!v) return std::nullopt;
        const bool fits = v->is_number_integer() && v->get<std::int64_t>() >= INT32_MIN &&
                          v->get<std::int64_t>() <= INT32_MAX;
        if (!fits) {
            fail(key, "expected an integer, got " + v->dump());
            return std::nullopt;
        }
        return int(v->get<std::int64_t>());
    }

    // An enum word parsed by `parse`; `fallback` when absent.
    template <typename E>
    E word(const char* key, std::optional<E> (*parse)(std::string_view), E fallback,
           Need need = Need::optional) {
        const std::string s = text(key, need);
        if (s.empty()) return fallback;
        auto e = parse(s);
        if (!e) fail(key, "unknown value \"" + s + "\"");
        return e.value_or(fallback);
    }

    const json* object(const char* key) {
        const json* v = find(key, Need::optional);
        if (v && !v->is_object()) {
            fail(key, "expected an object");
            return nullptr;
        }
        return v;
    }

    const json* array(const char* key) {
        const json* v = find(key, Need::optional);
        if (v && !v->is_array()) {
            fail(key, "expected an array");
            return nullptr;
        }
        return v;
    }

    void fail(std::string_view key, std::string_view what) {
        if (error.empty()) error = path_ + std::string(key) + ": " + std::string(what);
    }

    std::string error;

  private:
    const json* find(const char* key, Need need) {
        auto it = obj_.find(key);
        if (it == obj_.end() || it->is_null()) {
            if (need == Need::required) fail(key, "missing");
            return nullptr;
        }
        return &*it;
    }

    const json& obj_;
    std::string path_;
};

// A GMC number that must be usable: GMC rows, requests and history always carry a real one.
std::string required_gmc_number(Fields& f) {
    std::string gmc = f.text("gmc_number", Need::required);
    if (f.error.empty() && !rv::usable_gmc_number(gmc)) {
        f.fail("gmc_number", "expected 7 digits, got \"" + gmc + "\"");
    }
    return gmc;
}

void read_membership(Fields& f, const json& item, std::size_t n, rv::TisPerson& p) {
    const std::string path = "programme_memberships[" + std::to_string(n) + "].";
    if (!item.is_object()) return f.fail(path.substr(0, path.size() - 1), "expected an object");
    Fields m(item, path);
    rv::ProgrammeMembership pm;
    pm.id = m.text("id");
    pm.programme_name = m.text("programme_name");
    pm.type = m.word("type", rv::parse_membership_type, rv::MembershipType::substantive);
    pm.start_date = m.date("start_date");
    pm.end_date = m.date("end_date");
    pm.curriculum_end_date = m.date("curriculum_end_date");
    pm.designated_body = m.text("designated_body");
    if (!m.error.empty()) f.error = m.error;
    p.programme_memberships.push_back(std::move(pm));
}

std::string read_tis(const json& obj, rv::Inputs& in) {
    Fields f(obj, "");
    rv::TisPerson p;
    p.tis_person_id = f.text("tis_person_id", Need::required);
    p.gmc_number = f.text("gmc_number");
    p.forenames = f.text("forenames");
    p.surname = f.text("surname");
    p.status = f.word("status", rv::parse_person_status, rv::PersonStatus::active);
    p.current_grade = f.text("current_grade");
    if (const json* list = f.array("programme_memberships")) {
        for (std::size_t n = 0; n < list->size() && f.error.empty(); ++n) {
            read_membership(f, (*list)[n], n, p);
        }
    }
    in.tis.push_back(std::move(p));
    return f.error;
}

std::string read_gmc(const json& obj, rv::Inputs& in) {
    Fields f(obj, "");
    rv::GmcDoctor g;
    g.gmc_number = required_gmc_number(f);
    g.forenames = f.text("forenames");
    g.surname = f.text("surname");
    g.designated_body = f.text("designated_body", Need::required);
    g.date_added = f.date("date_added");
    g.submission_date = f.date("submission_date");
    g.under_notice = f.text("under_notice");
    g.licence = f.word("licence", rv::parse_licence, rv::Licence::licensed);
    in.gmc.push_back(std::move(g));
    return f.error;
}

std::optional<rv::HideContext> read_context(Fields& f) {
    const json* obj = f.object("context");
    if (!obj) return std::nullopt;
    Fields c(*obj, "context.");
    rv::HideContext ctx;
    // A context with a key left out compares as "not connected" / "no TIS DB".
    if (std::string gmc = c.text("gmc_designated_body"); !gmc.empty())
        ctx.gmc_designated_body = gmc;
    if (const json* dbs = c.array("tis_designated_bodies")) {
        for (const json& db : *dbs) {
            if (!db.is_string()) c.fail("tis_designated_bodies", "expected strings");
            if (db.is_string()) ctx.tis_designated_bodies.push_back(db.get<std::string>());
        }
    }
    if (!c.error.empty()) f.error = c.error;
    return ctx;
}

std::string read_request(Fields& f, rv::GmcRequestKind kind, rv::Inputs& in) {
    rv::GmcRequest r;
    r.action = kind;
    r.gmc_number = required_gmc_number(f);
    r.designated_body = f.text("designated_body", Need::required);
    r.by = f.text("by");
    r.at = f.date("at", Need::required).value_or(rv::Date());
    r.reason_code = f.integer("reason_code").value_or(0);
    r.client_request_id = f.text("client_request_id");
    r.gmc_request_id = f.text("gmc_request_id");
    r.return_code = f.integer("return_code");
    r.error = f.text("error");
    in.gmc_requests.push_back(std::move(r));
    return f.error;
}

// The actions file holds admins' hide/unhide/flag/unflag and the add/remove requests sent
// to the GMC with their outcome.
std::string read_action(const json& obj, rv::Inputs& in) {
    Fields f(obj, "");
    const std::string word = f.text("action", Need::required);
    if (auto kind = rv::parse_gmc_request_kind(word)) return read_request(f, *kind, in);
    rv::ManualAction a;
    if (auto kind = rv::parse_manual_action(word)) {
        a.action = *kind;
    } else if (f.error.empty()) {
        f.fail("action", "unknown value \"" + word + "\"");
    }
    a.gmc_number = f.text("gmc_number");
    a.tis_person_id = f.text("tis_person_id");
    if (a.gmc_number.empty() && a.tis_person_id.empty()) f.fail("gmc_number", "missing");
    a.designated_body = f.text("designated_body", Need::required);
    a.by = f.text("by");
    a.at = f.date("at", Need::required).value_or(rv::Date());
    a.reason = f.text("reason");
    a.until = f.date("until");
    a.context = read_context(f);
    in.actions.push_back(std::move(a));
    return f.error;
}

std::string read_history(const json& obj, rv::Inputs& in) {
    Fields f(obj, "");
    rv::HistoryEntry h;
    h.gmc_number = required_gmc_number(f);
    h.designated_body = f.text("designated_body", Need::required);
    h.from = f.date("from");
    h.to = f.date("to");
    in.history.push_back(std::move(h));
    return f.error;
}

using LineReader = std::function<std::string(const json&, rv::Inputs&)>;

bool blank(std::string_view line) {
    return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

bool read_file(const std::string& path, const LineReader& reader, rv::Inputs& in,
               std::ostream& err) {
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
        const json obj = json::parse(line, nullptr, /*allow_exceptions=*/false);
        std::string problem;
        if (obj.is_discarded()) {
            problem = "not valid JSON";
        } else if (!obj.is_object()) {
            problem = "expected a JSON object";
        } else {
            problem = reader(obj, in);
        }
        if (!problem.empty()) {
            err << "reval classify: " << path << ":" << number << ": " << problem << "\n";
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
    std::vector<std::pair<std::string, LineReader>> files;  ///< in the order given
};

// Returns the problem with the arguments, "" when they are usable.
std::string parse_args(const std::vector<std::string>& args, Options& o) {
    const std::vector<std::pair<std::string_view, LineReader>> kinds{{"--tis", read_tis},
                                                                     {"--gmc", read_gmc},
                                                                     {"--actions", read_action},
                                                                     {"--history", read_history}};
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
    for (const auto& [path, reader] : o.files) {
        if (!read_file(path, reader, in, err)) return 2;
    }
    for (const rv::Classification& c : rv::classify(in, *o.today)) {
        out << to_json_line(c) << '\n';
    }
    out.flush();
    return 0;
}

}  // namespace casegate::daemon
