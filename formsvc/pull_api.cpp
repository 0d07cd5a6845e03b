#include "formsvc/pull_api.hpp"

#include <nlohmann/json.hpp>

#include "util/hmac.hpp"

namespace casegate::formsvc {

namespace {

using json = nlohmann::json;

http::Response json_answer(int status, const json& body) {
    http::Response r;
    r.status = status;
    r.content_type = "application/json";
    r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
    return r;
}

http::Response plain(int status, const std::string& text) {
    http::Response r;
    r.status = status;
    r.content_type = "text/plain; charset=utf-8";
    r.body = text;
    return r;
}

}  // namespace

bool is_pull_api(const http::Request& req) {
    return req.path == "/api" || req.path.rfind("/api/", 0) == 0;
}

http::Response pull_api(Spool& spool, const std::string& token, const http::Request& req) {
    const std::string auth = req.header("authorization");
    const std::string prefix = "Bearer ";
    const bool authorised = !token.empty() && auth.rfind(prefix, 0) == 0 &&
                            util::equal_constant_time(auth.substr(prefix.size()), token);
    if (!authorised) {
        http::Response r = plain(401, "");
        r.headers.emplace_back("WWW-Authenticate", "Bearer");
        return r;
    }
    const std::vector<std::string> seg = req.segments();
    const bool get = req.method == "GET";
    const bool post = req.method == "POST";
    if (seg.size() == 2 && seg[1] == "submissions" && get) {
        const std::string after = req.param("after");
        if (!after.empty() && !Spool::is_receipt(after))
            return plain(400, "after: not a receipt");
        std::size_t limit = kMaxListed;
        if (const std::string l = req.param("limit"); !l.empty()) {
            const long n = std::strtol(l.c_str(), nullptr, 10);
            if (n < 1 || n > static_cast<long>(kMaxListed))
                return plain(400, "limit: from 1 to " + std::to_string(kMaxListed));
            limit = static_cast<std::size_t>(n);
        }
        return json_answer(200, {{"submissions", spool.pending(after, limit)}});
    }
    if (seg.size() < 3 || seg[1] != "submissions" || !Spool::is_receipt(seg[2]))
        return plain(404, "not found");
    const std::string& receipt = seg[2];
    if (seg.size() == 4 && seg[3] == "ack" && post)
        return json_answer(200, {{"acknowledged", spool.acknowledge(receipt)}});
    if (!get) return plain(404, "not found");
    const std::optional<Spooled> s = spool.read(receipt);
    if (!s) return plain(404, "not found");
    if (seg.size() == 3) {
        json docs = json::array();
        for (const SpoolDocument& d : s->documents)
            docs.push_back({{"filename", d.filename},
                            {"content_type", d.content_type},
                            {"size", d.content.size()}});
        json fields = json::parse(s->fields_json, nullptr, /*allow_exceptions=*/false);
        if (fields.is_discarded()) fields = json::object();
        return json_answer(200, {{"receipt", s->receipt},
                                 {"received_at", s->received_at},
                                 {"fields", fields},
                                 {"documents", docs}});
    }
    if (seg.size() == 5 && seg[3] == "documents") {
        const long n = std::strtol(seg[4].c_str(), nullptr, 10);
        if (n < 1 || static_cast<std::size_t>(n) > s->documents.size())
            return plain(404, "not found");
        const SpoolDocument& d = s->documents[static_cast<std::size_t>(n - 1)];
        http::Response r;
        r.content_type = "application/octet-stream";
        r.body = d.content;
        return r;
    }
    return plain(404, "not found");
}

}  // namespace casegate::formsvc
