// One JSON-lines record → one revalidation record.
//
// The lines are extracts and admin records, so untrusted. nlohmann::json parses without
// exceptions; every key is type-checked before use; the first problem on a line is kept as its
// error, naming the key path, and no further judgement is made about the line.
#include "feeds/records_json.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace casegate::feeds {
namespace {

namespace rv = revalidation;
using json = nlohmann::json;

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
        if (error.empty()) error = RecordError{path_ + std::string(key), std::string(what)};
    }

    RecordError error;

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

RecordError read_tis(const json& obj, rv::Inputs& in) {
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

RecordError read_gmc(const json& obj, rv::Inputs& in) {
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

RecordError read_request(Fields& f, rv::GmcRequestKind kind, rv::Inputs& in) {
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

// An actions line is an admin's hide/unhide/flag/unflag, or an add/remove request sent to the
// GMC with its outcome.
RecordError read_action(const json& obj, rv::Inputs& in) {
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

RecordError read_history(const json& obj, rv::Inputs& in) {
    Fields f(obj, "");
    rv::HistoryEntry h;
    h.gmc_number = required_gmc_number(f);
    h.designated_body = f.text("designated_body", Need::required);
    h.from = f.date("from");
    h.to = f.date("to");
    in.history.push_back(std::move(h));
    return f.error;
}

}  // namespace

std::string RecordError::to_string() const {
    return field.empty() ? message : field + ": " + message;
}

RecordError read_record_line(RecordKind kind, std::string_view line, revalidation::Inputs& in) {
    const json obj = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
    if (obj.is_discarded()) return {"", "not valid JSON"};
    if (!obj.is_object()) return {"", "expected a JSON object"};
    switch (kind) {
        case RecordKind::tis:
            return read_tis(obj, in);
        case RecordKind::gmc:
            return read_gmc(obj, in);
        case RecordKind::action:
            return read_action(obj, in);
        case RecordKind::history:
            return read_history(obj, in);
    }
    return {"", "unknown record kind"};
}

}  // namespace casegate::feeds
