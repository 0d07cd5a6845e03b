#include "notifier/outbox_worker.hpp"

#include <algorithm>
#include <chrono>
#include <set>

#include "storage/outbox.hpp"

namespace casegate::notifier {

namespace {
constexpr int kBatch = 20;

// Curl codes that say the server could not be reached or stopped answering: no point trying
// the rest of the batch now.
bool unreachable(int curl_code) {
    return curl_code == 6 || curl_code == 7 || curl_code == 28 || curl_code == 35 ||
           curl_code == 52 || curl_code == 56;
}

// The server refused casegate's own login (CURLE_LOGIN_DENIED): a configuration or token
// problem, not the message's, so it is retried and the rest of the batch waits too.
bool login_refused(int curl_code) {
    return curl_code == 67;
}

// A 5xx reply is the server's permanent refusal of this message, except 503 (bad sequence of
// commands): that says the client's session went wrong, which a later attempt on a new
// session does not repeat.
bool permanent_refusal(long response_code) {
    return response_code >= 500 && response_code < 600 && response_code != 503;
}

using Clock = std::chrono::steady_clock;

// The rows of one claimed batch that this process still holds. Once half of the lease has
// passed (measured from before the claim, so early rather than late), the rows not yet sent
// are leased again, provided nobody else has claimed them since.
class BatchLease {
  public:
    BatchLease(const std::vector<storage::DueMessage>& batch, Clock::time_point claimed,
               int lease_seconds)
        : until_(batch.front().lease_until),
          lease_seconds_(lease_seconds),
          renew_at_(claimed + half_lease()) {
        for (const auto& m : batch) held_.insert(m.id);
    }

    // True when batch[i] is still this process's to send; renews batch[i..] first when the
    // lease is past half-way.
    bool hold(storage::Db& db, const std::vector<storage::DueMessage>& batch, std::size_t i) {
        if (Clock::now() >= renew_at_) {
            const auto started = Clock::now();
            std::vector<std::int64_t> ids;
            for (std::size_t k = i; k < batch.size(); ++k) {
                if (held_.count(batch[k].id)) ids.push_back(batch[k].id);
            }
            std::vector<std::int64_t> renewed;
            storage::with_retry(
                db, [&] { renewed = storage::renew_lease(db, ids, until_, lease_seconds_); });
            held_ = std::set<std::int64_t>(renewed.begin(), renewed.end());
            renew_at_ = started + half_lease();
        }
        return held_.count(batch[i].id) > 0;
    }

  private:
    std::chrono::milliseconds half_lease() const {
        return std::chrono::milliseconds(lease_seconds_ * 500);
    }

    std::string until_;
    int lease_seconds_;
    Clock::time_point renew_at_;
    std::set<std::int64_t> held_;
};
}  // namespace

int backoff_seconds(const OutboxPolicy& p, int attempts) {
    long long d = p.retry_initial;
    for (int i = 0; i < attempts && d < p.retry_max; ++i) d *= 2;
    return static_cast<int>(std::min<long long>(d, p.retry_max));
}

DrainStats drain_outbox(storage::Db& db, net::Session& smtp, const OutboxPolicy& policy,
                        const std::atomic<bool>& stop) {
    DrainStats stats;
    while (!stop) {
        std::vector<storage::DueMessage> batch;
        const auto claimed = Clock::now();
        storage::with_retry(db,
                            [&] { batch = storage::claim_due(db, kBatch, policy.lease_seconds); });
        if (batch.empty()) break;
        BatchLease lease(batch, claimed, policy.lease_seconds);
        bool server_down = false;
        for (std::size_t i = 0; i < batch.size(); ++i) {
            const storage::DueMessage& m = batch[i];
            // A row whose lease lapsed and that another process has claimed is theirs to send.
            if (!lease.hold(db, batch, i)) continue;
            if (server_down || stop) {
                // Not tried: make it due again after the back-off, like a failed attempt.
                storage::with_retry(db, [&] {
                    storage::mark_retry(db, m.id,
                                        "not tried: SMTP server unreachable or login refused",
                                        backoff_seconds(policy, m.attempts));
                });
                ++stats.retried;
                continue;
            }
            const net::Outcome o = smtp.smtp_send(m.mail_from, m.recipients, m.message);
            storage::with_retry(db, [&] {
                if (o.ok) {
                    storage::mark_sent(db, m.id);
                    ++stats.sent;
                } else if (login_refused(o.curl_code)) {
                    stats.login_refused = true;
                    storage::mark_retry(db, m.id, "SMTP login refused: " + o.error,
                                        backoff_seconds(policy, m.attempts));
                    ++stats.retried;
                } else if (permanent_refusal(o.response_code)) {
                    storage::mark_failed(
                        db, m.id, "SMTP " + std::to_string(o.response_code) + ": " + o.error);
                    ++stats.failed;
                } else if (m.attempts + 1 >= policy.max_attempts) {
                    storage::mark_failed(db, m.id,
                                         "gave up after " + std::to_string(m.attempts + 1) +
                                             " attempts: " + o.error);
                    ++stats.failed;
                } else {
                    const std::string code =
                        o.response_code ? "SMTP " + std::to_string(o.response_code) + ": " : "";
                    storage::mark_retry(db, m.id, code + o.error,
                                        backoff_seconds(policy, m.attempts));
                    ++stats.retried;
                }
            });
            if (!o.ok && (unreachable(o.curl_code) || login_refused(o.curl_code)))
                server_down = true;
        }
        if (server_down) break;
    }
    return stats;
}

}  // namespace casegate::notifier
