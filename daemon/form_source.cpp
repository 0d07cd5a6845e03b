// A form endpoint: the public form service's pull API (formsvc/pull_api.hpp). Each poll lists
// the submissions pending there, fetches each new one with its documents, stores it as a "web"
// item (the form service's JSON shape, documents in base64: forms::evaluate_json reads it),
// and acknowledges it at the service only once its group is committed. A crash between the
// commit and the acknowledgement leaves it pending there; the next poll finds it stored and
// acknowledges it then: never lost, never stored twice.
//
// Each poll starts from the beginning of the pending list and pages with `after` only within
// the poll. The pending list is the position: acknowledged submissions leave it. A cursor kept
// across polls would skip a submission whose receipt was made just before another's but whose
// write finished after it (the service stores several at once).
//
// TRUST: the service faces the internet, so its answers are checked for shape and size here;
// a listing that is not the API's JSON fails the poll (logged, retried), a submission that
// cannot be fetched or read is left pending and retried on the next poll, never guessed at.
#include <spdlog/spdlog.h>

#include <cctype>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "common/log.hpp"
#include "common/watchdog.hpp"
#include "daemon/sources.hpp"
#include "net/curl.hpp"
#include "storage/inbound.hpp"
#include "util/base64.hpp"
#include "util/strings.hpp"

namespace casegate::daemon {

namespace {

using json = nlohmann::json;

constexpr std::size_t kPage = 100;

// A receipt as the service makes them (YYYYMMDD-HHMMSS-uuuuuu-XXXXXX): safe in a URL path and
// as a source key.
bool receipt_shaped(const std::string& s) {
    if (s.empty() || s.size() > 64) return false;
    for (const char c : s) {
        if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == '-')) return false;
    }
    return true;
}

class FormSource : public Source {
  public:
    FormSource(const common::FormEndpointConfig& f, const common::Limits& l) : cfg_(f), limits_(l) {
        base_ = cfg_.url;
        while (!base_.empty() && base_.back() == '/') base_.pop_back();
        http_.timeout_ms = 60000;
        // A submission and its documents are at most max_message_bytes; the listing is small.
        http_.max_response_bytes = limits_.max_message_bytes + 1024UL * 1024;
    }

    const std::string& name() const override { return cfg_.name; }
    int poll_interval() const override { return cfg_.poll_interval; }

    PollStats poll(storage::Db& db, const std::atomic<bool>& stop,
                   const StoredFn& on_stored) override {
        PollStats stats;
        StoreGroup group(
            db, "form endpoint", stats,
            [&](const std::vector<storage::NewInboundItem>& items) {
                for (const auto& item : items) acknowledge(item.source_key, stats);
            },
            on_stored);
        std::string after;
        for (;;) {
            const std::vector<std::string> receipts = list(after);
            if (receipts.empty()) break;
            const std::set<std::string> stored = storage::stored_keys(db, cfg_.name, receipts);
            for (const std::string& receipt : receipts) {
                if (stop) break;
                common::watchdog_ping();
                if (stored.count(receipt)) {
                    // Stored before, not acknowledged then (a crash or a failed answer).
                    acknowledge(receipt, stats);
                    continue;
                }
                std::optional<storage::NewInboundItem> item = fetch(receipt, stats);
                if (item) group.add(std::move(*item));
            }
            if (stop || receipts.size() < kPage) break;
            after = receipts.back();
        }
        group.commit();
        return stats;
    }

  private:
    std::vector<std::string> headers() const { return {"Authorization: Bearer " + cfg_.token}; }

    // The answer's body, or an exception saying what went wrong (without the token).
    std::string get(const std::string& path, const char* what) const {
        const net::HttpResponse r = net::http_get(base_ + path, http_, headers());
        check(r, what);
        return r.body;
    }

    static void check(const net::HttpResponse& r, const char* what) {
        if (!r.ok) throw std::runtime_error(util::concat({what, ": ", r.error}));
        if (r.status == 401 || r.status == 403)
            throw std::runtime_error(util::concat(
                {what, ": the form service refused the token (HTTP ", std::to_string(r.status),
                 "); check token_file against its pull_token_file"}));
        if (r.status != 200)
            throw std::runtime_error(util::concat(
                {what, ": the form service answered HTTP ", std::to_string(r.status)}));
    }

    std::vector<std::string> list(const std::string& after) const {
        const std::string body =
            get(util::concat({"/api/submissions?limit=", std::to_string(kPage), "&after=", after}),
                "listing submissions");
        const json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
        const auto it = j.is_object() ? j.find("submissions") : j.end();
        if (it == j.end() || !it->is_array() || it->size() > kPage)
            throw std::runtime_error("listing submissions: the answer is not the pull API's list");
        std::vector<std::string> out;
        for (const json& r : *it) {
            if (!r.is_string() || !receipt_shaped(r.get<std::string>()))
                throw std::runtime_error("listing submissions: a receipt is not a receipt");
            out.push_back(r.get<std::string>());
        }
        return out;
    }

    // The submission and its documents as one item; nothing (left pending, retried on the next
    // poll) when it cannot be fetched whole.
    std::optional<storage::NewInboundItem> fetch(const std::string& receipt, PollStats& stats) {
        const auto log = common::logger("form endpoint");
        try {
            const std::string path = "/api/submissions/" + receipt;
            json s = json::parse(get(path, "fetching a submission"), nullptr, false);
            if (!s.is_object() || !s.contains("fields") || !s["fields"].is_object() ||
                !s.contains("documents") || !s["documents"].is_array())
                throw std::runtime_error("the submission is not the pull API's JSON");
            storage::NewInboundItem item;
            item.source = cfg_.name;
            item.source_kind = "web";
            item.source_key = receipt;
            // The size as stored and parsed: the documents in base64, with their names.
            std::size_t size = s["fields"].dump().size() + 256;
            for (const json& d : s["documents"]) {
                if (!d.is_object() || !d.contains("size") || !d["size"].is_number_unsigned())
                    throw std::runtime_error("a document's size is missing");
                size += (d["size"].get<std::size_t>() + 2) / 3 * 4 + d.dump().size() + 32;
            }
            item.size = static_cast<std::int64_t>(size);
            json documents = json::array();
            if (size > limits_.max_message_bytes) {
                // Kept with its answers and the list of its documents, set aside with the
                // reason; the documents themselves are not fetched.
                for (const json& d : s["documents"]) documents.push_back(d);
                item.truncated = true;
                item.quarantine_reason =
                    util::concat({"web submission size ", std::to_string(size),
                                  " (documents in base64) exceeds limit max_message_bytes=",
                                  std::to_string(limits_.max_message_bytes),
                                  " (its documents were not fetched)"});
                ++stats.oversized;
            } else {
                for (std::size_t n = 1; n <= s["documents"].size(); ++n) {
                    const json& d = s["documents"][n - 1];
                    const std::string bytes =
                        get(path + "/documents/" + std::to_string(n), "fetching a document");
                    if (bytes.size() != d["size"].get<std::size_t>())
                        throw std::runtime_error("a document is not the size listed");
                    documents.push_back({{"filename", d.value("filename", std::string())},
                                         {"content_type", d.value("content_type", std::string())},
                                         {"content_base64", util::base64_encode(bytes)}});
                }
            }
            json envelope = {{"receipt", receipt},
                             {"received_at", s.value("received_at", std::string())},
                             {"fields", std::move(s["fields"])},
                             {"documents", std::move(documents)}};
            item.raw = envelope.dump(-1, ' ', false, json::error_handler_t::replace);
            return item;
        } catch (const std::exception& e) {
            log->warn("submission not fetched endpoint={} receipt={} error={}", cfg_.name, receipt,
                      e.what());
            return std::nullopt;
        }
    }

    // Tells the service it may delete the submission. A failure is only logged: it stays
    // pending there, and the next poll finds it stored and acknowledges it again.
    void acknowledge(const std::string& receipt, PollStats& stats) const {
        const net::HttpResponse r = net::http_post(base_ + "/api/submissions/" + receipt + "/ack",
                                                   "", "application/json", headers(), http_);
        if (r.ok && r.status == 200) {
            ++stats.acknowledged;
            return;
        }
        common::logger("form endpoint")
            ->warn("acknowledgement failed endpoint={} receipt={} status={} error={}", cfg_.name,
                   receipt, r.status, r.error);
    }

    common::FormEndpointConfig cfg_;
    common::Limits limits_;
    std::string base_;
    net::HttpOptions http_;
};

}  // namespace

std::unique_ptr<Source> make_form_source(const common::FormEndpointConfig& endpoint,
                                         const common::Limits& limits) {
    return std::make_unique<FormSource>(endpoint, limits);
}

}  // namespace casegate::daemon
