// SECURITY: the bytes decoded here come from a child that parsed untrusted input and may have
// been subverted, so every length and type is checked; a bad reply is a failed parse.
#include "intake/item_codec.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>

namespace casegate::intake {

using nlohmann::json;

namespace {

void put_len(std::string& out, std::uint64_t n) {
    for (int i = 0; i < 8; ++i) out += static_cast<char>((n >> (8 * i)) & 0xff);
}

bool get_len(const std::string& in, std::size_t& pos, std::uint64_t& n) {
    if (in.size() - pos < 8) return false;
    n = 0;
    for (int i = 0; i < 8; ++i)
        n |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[pos + i])) << (8 * i);
    pos += 8;
    return n <= in.size() - pos;
}

json value_to_json(const forms::Value& v) {
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    if (const auto* b = std::get_if<bool>(&v)) return *b;
    return std::get<std::vector<std::string>>(v);
}

forms::Value value_from_json(const json& j) {
    if (j.is_boolean()) return j.get<bool>();
    if (j.is_array()) return j.get<std::vector<std::string>>();
    return j.get<std::string>();
}

json evaluation_to_json(const forms::Evaluation& e) {
    json fields = json::object();
    for (const auto& [k, v] : e.referral.fields) fields[k] = value_to_json(v);
    json errors = json::array();
    for (const auto& err : e.referral.errors)
        errors.push_back({{"field", err.field}, {"message", err.message}});
    json atts = json::array();
    for (const auto& a : e.attachments) {
        atts.push_back(
            {{"filename", a.filename}, {"content_type", a.content_type}, {"size", a.size}});
    }
    return {{"verdict", static_cast<int>(e.verdict)},
            {"channel", static_cast<int>(e.channel)},
            {"fields", fields},
            {"missing", e.referral.missing},
            {"errors", errors},
            {"reason", e.reason},
            {"attachments", atts},
            {"notes", e.notes},
            {"message_id", e.message_id},
            {"from_address", e.from_address},
            {"subject", e.subject},
            {"in_reply_to", e.in_reply_to},
            {"references", e.references},
            {"body", e.body},
            {"authentication_results", e.authentication_results},
            {"bounced_message_id", e.bounced_message_id},
            {"recipient_tags", e.recipient_tags}};
}

forms::Evaluation evaluation_from_json(const json& j) {
    forms::Evaluation e;
    const int verdict = j.at("verdict").get<int>();
    const int channel = j.at("channel").get<int>();
    if (verdict < 0 || verdict > static_cast<int>(forms::Verdict::bounce))
        throw std::out_of_range("verdict");
    if (channel < 0 || channel > static_cast<int>(forms::Channel::none))
        throw std::out_of_range("channel");
    e.verdict = static_cast<forms::Verdict>(verdict);
    e.channel = static_cast<forms::Channel>(channel);
    for (const auto& [k, v] : j.at("fields").items()) e.referral.fields[k] = value_from_json(v);
    e.referral.missing = j.at("missing").get<std::vector<std::string>>();
    for (const auto& err : j.at("errors")) {
        e.referral.errors.push_back(
            {err.at("field").get<std::string>(), err.at("message").get<std::string>()});
    }
    e.reason = j.at("reason").get<std::string>();
    for (const auto& a : j.at("attachments")) {
        e.attachments.push_back({a.at("filename").get<std::string>(),
                                 a.at("content_type").get<std::string>(),
                                 a.at("size").get<std::size_t>()});
    }
    e.notes = j.at("notes").get<std::vector<std::string>>();
    e.message_id = j.at("message_id").get<std::string>();
    e.from_address = j.at("from_address").get<std::string>();
    e.subject = j.at("subject").get<std::string>();
    e.in_reply_to = j.at("in_reply_to").get<std::string>();
    e.references = j.at("references").get<std::vector<std::string>>();
    e.body = j.at("body").get<std::string>();
    e.authentication_results = j.at("authentication_results").get<std::vector<std::string>>();
    e.bounced_message_id = j.at("bounced_message_id").get<std::string>();
    e.recipient_tags = j.at("recipient_tags").get<std::vector<std::string>>();
    return e;
}

}  // namespace

std::string encode_item(const ParsedItem& item) {
    json meta = {{"status", static_cast<int>(item.status)},
                 {"reason", item.reason},
                 {"limit", item.limit},
                 {"evaluation", evaluation_to_json(item.evaluation)}};
    json atts = json::array();
    for (const auto& a : item.attachments)
        atts.push_back({{"filename", a.filename}, {"content_type", a.content_type}});
    meta["attachments"] = atts;
    // Invalid UTF-8 cannot reach here (the parsers repair it), but never let dump() throw.
    const std::string text = meta.dump(-1, ' ', false, json::error_handler_t::replace);
    std::string out;
    put_len(out, text.size());
    out += text;
    for (const auto& a : item.attachments) {
        put_len(out, a.data.size());
        out += a.data;
    }
    return out;
}

bool decode_item(const std::string& bytes, ParsedItem& item) {
    try {
        std::size_t pos = 0;
        std::uint64_t n = 0;
        if (!get_len(bytes, pos, n)) throw std::out_of_range("header length");
        const json meta = json::parse(bytes.substr(pos, n));
        pos += n;
        const int status = meta.at("status").get<int>();
        if (status < 0 || status > static_cast<int>(ParseStatus::failed))
            throw std::out_of_range("status");
        item.status = static_cast<ParseStatus>(status);
        item.reason = meta.at("reason").get<std::string>();
        item.limit = meta.at("limit").get<std::string>();
        item.evaluation = evaluation_from_json(meta.at("evaluation"));
        for (const auto& a : meta.at("attachments")) {
            if (!get_len(bytes, pos, n)) throw std::out_of_range("attachment length");
            item.attachments.push_back({a.at("filename").get<std::string>(),
                                        a.at("content_type").get<std::string>(),
                                        bytes.substr(pos, n)});
            pos += n;
        }
        if (pos != bytes.size()) throw std::out_of_range("trailing bytes");
        return true;
    } catch (const std::exception& e) {
        item = ParsedItem{};
        item.status = ParseStatus::failed;
        item.reason = std::string("malformed reply from the parse worker: ") + e.what();
        return false;
    }
}

}  // namespace casegate::intake

namespace casegate::intake {

namespace {

std::optional<std::string> opt_text(const forms::Referral& r, const char* key) {
    std::string s = r.text(key);
    if (s.empty()) return std::nullopt;
    return s;
}

std::optional<bool> opt_bool(const forms::Referral& r, const char* key) {
    const auto it = r.fields.find(key);
    if (it == r.fields.end()) return std::nullopt;
    if (const bool* b = std::get_if<bool>(&it->second)) return *b;
    return std::nullopt;
}

std::vector<std::string> list(const forms::Referral& r, const char* key) {
    const auto it = r.fields.find(key);
    if (it == r.fields.end()) return {};
    if (const auto* v = std::get_if<std::vector<std::string>>(&it->second)) return *v;
    return {};
}

}  // namespace

storage::CaseRow case_row(const forms::Referral& r, const std::string& office) {
    storage::CaseRow c;
    c.local_office = office;
    if (const forms::LocalOffice* o = forms::find_office_by_name(office)) {
        c.designated_body = std::string(o->designated_body);
    }
    c.trainee_name = r.text("trainee_name");
    c.gmc_number = r.text("gmc_number");
    c.programme = opt_text(r, "programme");
    c.grade = opt_text(r, "grade");
    c.employer = opt_text(r, "employer");
    c.site = opt_text(r, "site");
    c.referrer_name = r.text("referrer_name");
    c.referrer_email = r.text("referrer_email");
    c.referrer_role = r.text("referrer_role");
    c.referrer_phone = opt_text(r, "referrer_phone");
    c.concern_route = r.text("concern_route");
    c.concern_type = r.text("concern_type");
    c.incident_date = opt_text(r, "incident_date");
    c.support_requested = list(r, "support_requested");
    c.trainee_aware = opt_bool(r, "trainee_aware");
    c.details = r.text("details");
    c.terms_accepted = opt_bool(r, "terms_accepted").value_or(false);
    return c;
}

std::string fields_json(const forms::Referral& r) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [k, v] : r.fields) j[k] = value_to_json(v);
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
std::string missing_json(const forms::Referral& r) {
    return strings_json(r.missing);
}
std::string errors_json(const forms::Referral& r) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& e : r.errors) j.push_back({{"field", e.field}, {"message", e.message}});
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
std::string strings_json(const std::vector<std::string>& v) {
    return nlohmann::json(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

forms::Referral referral_from_json(const std::string& fields, const std::string& missing,
                                   const std::string& errors) {
    forms::Referral r;
    const nlohmann::json f = nlohmann::json::parse(fields);
    const nlohmann::json m = nlohmann::json::parse(missing);
    const nlohmann::json e = nlohmann::json::parse(errors);
    for (const auto& [k, v] : f.items()) r.fields[k] = value_from_json(v);
    r.missing = m.get<std::vector<std::string>>();
    for (const auto& err : e) {
        r.errors.push_back(
            {err.at("field").get<std::string>(), err.at("message").get<std::string>()});
    }
    return r;
}

std::vector<std::string> strings_from_json(const std::string& array) {
    return nlohmann::json::parse(array).get<std::vector<std::string>>();
}
}  // namespace casegate::intake
