#include "daemon/oauth2_tokens.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "common/clock.hpp"
#include "common/files.hpp"
#include "common/log.hpp"
#include "net/oauth2.hpp"
#include "notifier/compose.hpp"
#include "notifier/templates.hpp"
#include "revalidation/model.hpp"
#include "storage/operations.hpp"
#include "storage/outbox.hpp"
#include "util/strings.hpp"

namespace casegate::daemon {

namespace {

constexpr int kFirstBackoff = 5;        // seconds
constexpr int kLastBackoff = 300;       // seconds
constexpr std::int64_t kFresh = 60000;  // ms: a token refused this soon was refused outright

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

double unix_now() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// YYYY-MM-DD (checked by the configuration) as days since the epoch.
std::int32_t day_of(const std::string& date) {
    return revalidation::Date::parse(date).value_or(revalidation::Date{}).days();
}

std::mutex g_registry_mutex;
std::vector<std::weak_ptr<OAuth2Client>> g_registry;

void enqueue_alert(storage::Db& db, const common::Config& cfg, notifier::Text text) {
    const common::OfficeConfig* office = cfg.office(cfg.default_office);
    if (!office) return;
    notifier::Notification n;
    n.kind = "oauth2_alert";
    n.text = std::move(text);
    n.to = office->admin_emails;
    for (const common::StaffConfig& m : office->staff)
        if (m.role == common::StaffRole::admin) n.to.push_back(m.email);
    storage::enqueue(db, notifier::compose({cfg.smtp.from, cfg.smtp.from_name}, n));
}

}  // namespace

OAuth2Client::OAuth2Client(common::OAuth2Config cfg) : cfg_(std::move(cfg)) {
    configured_refresh_ = cfg_.refresh_token;
    refresh_token_ = configured_refresh_;
    state_.client = cfg_.name;
    if (!cfg_.client_secret_expires.empty()) {
        state_.secret_expires_at = 86400.0 * day_of(cfg_.client_secret_expires);
    }
    if (!cfg_.refresh_token_store.empty()) {
        if (const auto kept = common::read_file(cfg_.refresh_token_store)) {
            const std::string t(util::trim(*kept));
            if (!t.empty()) refresh_token_ = t;
        }
    }
}

std::string OAuth2Client::token() {
    const std::lock_guard<std::mutex> lock(mutex_);
    const std::int64_t now = now_ms();
    if (!token_.empty() && now < renew_at_) return token_;
    if (now >= retry_at_) renew_locked();
    if (!token_.empty() && now_ms() < expires_) return token_;
    throw TokenError("no OAuth 2.0 token from client " + cfg_.name + ": " + state_.last_error);
}

void OAuth2Client::refused(const std::string& token) {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (token.empty() || token != token_) return;  // renewed already
    token_.clear();
    renew_at_ = expires_ = 0;
    state_.expires_at = 0;
    renewing_after_refusal_ = true;
    if (after_refusal_ && now_ms() - obtained_ < kFresh) {
        // The token obtained because the last one was refused is refused too: the server will
        // not take this client's tokens, and asking again at once would only repeat it.
        state_.last_error =
            "the server refused a token just obtained (check the application's access to the "
            "mailbox)";
        ++state_.failures;
        backoff_ = kLastBackoff;
        retry_at_ = now_ms() + std::int64_t{kLastBackoff} * 1000;
        common::logger("oauth2")->error("oauth2 token refused at sign-in client={} error={}",
                                        cfg_.name, state_.last_error);
    }
}

void OAuth2Client::accepted(const std::string& token) {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (token == token_) after_refusal_ = false;
}

void OAuth2Client::renew_locked() {
    net::TokenRequest req{cfg_.token_url, cfg_.client_id, cfg_.client_secret,
                          refresh_token_, cfg_.scope,     {}};
    req.http.timeout_ms = 30000;
    net::TokenAnswer a = net::request_token(req);
    if (!a.ok && a.refused && !configured_refresh_.empty() &&
        refresh_token_ != configured_refresh_) {
        // The kept refresh token was refused: the configured one may be newer (replaced by the
        // operator after an outage).
        req.refresh_token = configured_refresh_;
        a = net::request_token(req);
        if (a.ok) refresh_token_ = configured_refresh_;
    }
    const auto log = common::logger("oauth2");
    const std::int64_t now = now_ms();
    if (!a.ok) {
        ++state_.failures;
        backoff_ = backoff_ == 0 ? kFirstBackoff : std::min(backoff_ * 2, kLastBackoff);
        retry_at_ = now + std::int64_t{backoff_} * 1000;
        if (a.error != state_.last_error) {
            log->error("oauth2 token not obtained client={} error={} retry_in={}s", cfg_.name,
                       a.error, backoff_);
        } else {
            log->debug("oauth2 token not obtained client={} error={} retry_in={}s", cfg_.name,
                       a.error, backoff_);
        }
        state_.last_error = a.error;
        return;
    }
    if (!state_.last_error.empty()) {
        log->info("oauth2 token obtained again client={} failures_before={}", cfg_.name,
                  state_.failures);
    }
    token_ = std::move(a.access_token);
    obtained_ = now;
    expires_ = now + a.expires_in * 1000;
    renew_at_ = now + a.expires_in * 750;
    backoff_ = 0;
    retry_at_ = 0;
    after_refusal_ = renewing_after_refusal_;
    renewing_after_refusal_ = false;
    state_.last_error.clear();
    ++state_.renewals;
    state_.last_renewed_at = unix_now();
    state_.expires_at = state_.last_renewed_at + static_cast<double>(a.expires_in);
    log->info("oauth2 token obtained client={} grant={} expires_in={}s", cfg_.name,
              refresh_token_.empty() ? "client_credentials" : "refresh_token", a.expires_in);
    if (!a.refresh_token.empty() && a.refresh_token != refresh_token_) {
        refresh_token_ = std::move(a.refresh_token);
        if (!cfg_.refresh_token_store.empty()) {
            try {
                common::replace_durably(cfg_.refresh_token_store, refresh_token_);
            } catch (const std::exception& e) {
                log->error("renewed refresh token not kept client={} error={}", cfg_.name,
                           e.what());
            }
        }
    }
}

TokenState OAuth2Client::state() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    TokenState s = state_;
    s.usable = !token_.empty() && now_ms() < expires_;
    if (!s.usable) s.expires_at = 0;
    return s;
}

OAuth2Clients::OAuth2Clients(const std::vector<common::OAuth2Config>& configs) {
    const std::lock_guard<std::mutex> lock(g_registry_mutex);
    std::erase_if(g_registry, [](const auto& w) { return w.expired(); });
    clients_.reserve(configs.size());
    for (const common::OAuth2Config& c : configs) {
        clients_.push_back(std::make_shared<OAuth2Client>(c));
        g_registry.push_back(clients_.back());
    }
    told_.assign(clients_.size(), -1);
}

std::shared_ptr<OAuth2Client> OAuth2Clients::find(const std::string& name) const {
    for (const auto& c : clients_)
        if (c->name() == name) return c;
    return nullptr;
}

void OAuth2Clients::alert_admins(storage::Db& db, const common::Config& cfg) {
    const auto log = common::logger("oauth2");
    for (std::size_t i = 0; i < clients_.size(); ++i) {
        const TokenState s = clients_[i]->state();
        const bool failing = !s.usable && !s.last_error.empty();
        if (failing && told_[i] != 1) {
            storage::Transaction tx(db);
            if (storage::note_oauth2_alert(db, s.client, "not_renewed", s.last_error)) {
                enqueue_alert(
                    db, cfg,
                    notifier::oauth2_alert(cfg.default_office, s.client, s.last_error, "", 0));
                log->warn("oauth2 failure told to the admins client={}", s.client);
            }
            tx.commit();
            told_[i] = 1;
        } else if (s.usable && told_[i] != 0) {
            storage::clear_oauth2_alert(db, s.client, "not_renewed");
            told_[i] = 0;
        }
    }
    const std::string today = common::local_today();
    if (today == expiry_checked_on_) return;
    for (const auto& c : clients_) {
        const common::OAuth2Config& o = c->config();
        if (o.client_secret_expires.empty()) continue;
        const std::int32_t days = day_of(o.client_secret_expires) - day_of(today);
        if (days > o.warn_days) continue;
        storage::Transaction tx(db);
        if (storage::note_oauth2_alert(db, o.name, "secret_expiring", o.client_secret_expires)) {
            enqueue_alert(db, cfg,
                          notifier::oauth2_alert(cfg.default_office, o.name, "",
                                                 o.client_secret_expires, days));
            log->warn("oauth2 client secret expiry told to the admins client={} expires={}", o.name,
                      o.client_secret_expires);
        }
        tx.commit();
    }
    expiry_checked_on_ = today;
}

std::vector<TokenState> oauth2_states() {
    std::vector<TokenState> out;
    const std::lock_guard<std::mutex> lock(g_registry_mutex);
    for (const auto& w : g_registry)
        if (const auto c = w.lock()) out.push_back(c->state());
    return out;
}

}  // namespace casegate::daemon
