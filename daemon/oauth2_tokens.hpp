// The access tokens of the [[oauth2]] clients (Microsoft 365, NHSmail). Each is obtained from
// its client's token endpoint, held in memory only (never written, never logged), shared by
// the mailboxes and the SMTP sender naming the client, and renewed once three quarters of its
// life have passed (Microsoft's last an hour: renewed after 45 minutes, leaving a quarter of an
// hour for retries) or as soon as a server refused it at sign-in (revoked, or expired early);
// a token obtained that way and refused within a minute too means the server will not take
// the client's tokens at all, and the next request waits 5 minutes.
//
// A renewal that fails is retried after a back-off (5 s doubling to 5 minutes) while the held
// token stays in use as long as it is valid. The failure is logged once (then at debug until
// it is fixed; the recovery is logged), counted in /metrics, and, once no valid token is left,
// told once to the default office's admins (alert_admins). A refresh token sent back by the
// endpoint replaces the one in use, and is kept in refresh_token_store when one is configured.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/config.hpp"
#include "storage/pg.hpp"

namespace casegate::daemon {

/// No token can be had: the reason, naming the client, never a secret.
class TokenError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// What /metrics shows of a client (this process).
struct TokenState {
    std::string client;
    bool usable = false;           ///< a token is held and valid
    double expires_at = 0;         ///< Unix time; 0 = none held
    double last_renewed_at = 0;    ///< Unix time of the last token obtained; 0 = none yet
    double secret_expires_at = 0;  ///< Unix time of client_secret_expires; 0 = not known
    std::int64_t renewals = 0;     ///< tokens obtained
    std::int64_t failures = 0;     ///< requests that gave no token
    std::string last_error;        ///< "" while the last request succeeded
};

class OAuth2Client {
  public:
    explicit OAuth2Client(common::OAuth2Config cfg);

    const std::string& name() const { return cfg_.name; }

    /// A valid access token: the one held, or a new one. Throws TokenError when none can be had
    /// (the endpoint is asked again only after the back-off).
    std::string token();

    /// A server refused `token` at sign-in: it is not handed out again.
    void refused(const std::string& token);

    /// A server took `token` at sign-in.
    void accepted(const std::string& token);

    TokenState state() const;

    /// The configuration it was made from.
    const common::OAuth2Config& config() const { return cfg_; }

  private:
    void renew_locked();

    common::OAuth2Config cfg_;
    mutable std::mutex mutex_;
    std::string token_;
    std::string refresh_token_;       ///< the one to use next (refresh token grant)
    std::string configured_refresh_;  ///< refresh_token_file's, the fallback
    std::int64_t obtained_ = 0;       ///< steady-clock milliseconds
    std::int64_t renew_at_ = 0;
    std::int64_t expires_ = 0;
    std::int64_t retry_at_ = 0;            ///< no request before this after a failure
    int backoff_ = 0;                      ///< seconds of the current back-off
    bool renewing_after_refusal_ = false;  ///< the next token replaces a refused one
    bool after_refusal_ = false;           ///< the token held replaced a refused one
    TokenState state_;
};

/// The daemon's clients, by name.
class OAuth2Clients {
  public:
    explicit OAuth2Clients(const std::vector<common::OAuth2Config>& configs);

    /// The client of that name; null for "" (none).
    std::shared_ptr<OAuth2Client> find(const std::string& name) const;

    /// Tells the default office's admins, once across restarts and processes (the database
    /// remembers what was told), of each client with no valid token whose renewal failed, and
    /// of each client secret within warn_days of its expiry; forgets a failure once a token is
    /// obtained again. Cheap when nothing changed.
    void alert_admins(storage::Db& db, const common::Config& cfg);

  private:
    std::vector<std::shared_ptr<OAuth2Client>> clients_;
    std::vector<int> told_;          ///< per client: 1 = failure told, 0 = not, -1 = not known yet
    std::string expiry_checked_on_;  ///< the day the secrets' expiry was last looked at
};

/// The state of every client of this process, for /metrics.
std::vector<TokenState> oauth2_states();

}  // namespace casegate::daemon
