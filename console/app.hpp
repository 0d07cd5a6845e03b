// The staff console's pages (issue: a web console for local-office admins and case managers):
// sign-in by an emailed one-time link (or an authenticating proxy's header), the working list
// of cases, a case with its timeline, documents, audit log and the forms of the changes the
// viewer may make, a doctor's cases, and mail held for review. Every change goes through the
// case service (cases/service.hpp), so the console obeys the same rules and notifies exactly
// as the command line and emailed commands do; what it has to send goes into the outbox.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cases/service.hpp"
#include "common/config.hpp"
#include "http/http.hpp"
#include "storage/pg.hpp"
#include "util/mustache.hpp"

namespace casegate::console {

using http::Request;
using http::Response;
using http::security_headers;
using http::Upload;

/// How long a sign-in link lasts.
inline constexpr int kSignInMinutes = 15;

/// At most this many sign-in links are sent to one member within kSignInMinutes; more asks
/// get the same page and send nothing, so that nobody can flood a member's inbox.
inline constexpr int kSignInsPerWindow = 5;

/// The session cookie: Secure, HttpOnly, SameSite=Strict, host-only.
inline constexpr const char* kSessionCookie = "__Host-casegate";

/// What a change did, shown once on the next page: done, with a summary and lines (who was
/// told), or not done, with the reasons.
struct Flash {
    bool done = false;
    std::string title;
    std::vector<std::string> lines;
};

class App {
  public:
    explicit App(common::Config cfg);

    /// Answers one request. Never throws: a database failure is a 503 page.
    Response handle(storage::Db& db, const Request& req) const;

    /// The page for a database that cannot be reached (503).
    Response unavailable() const;

    const common::Config& config() const { return cfg_; }

  private:
    struct Viewer {
        cases::Staff staff;
        std::string session_id;  ///< "" when signed in by the proxy's header
        std::string csrf;
        std::string flash;  ///< what the last change did (JSON), shown once
    };

    Response route(storage::Db& db, const Request& req) const;
    std::optional<Viewer> viewer(storage::Db& db, const Request& req, bool& proxied) const;

    Response sign_in_page(const std::string& message, const std::string& error,
                          const std::string& return_to = {}) const;
    Response sign_in_request(storage::Db& db, const Request& req) const;
    Response sign_in_confirm(const std::string& token) const;
    Response sign_in_use(storage::Db& db, const std::string& token) const;
    Response sign_out(storage::Db& db, const Viewer& v) const;

    Response cases_page(storage::Db& db, const Viewer& v, const Request& req, bool csv) const;
    Response case_page(storage::Db& db, const Viewer& v, const std::string& reference) const;
    Response case_change(storage::Db& db, const Viewer& v, const std::string& reference,
                         const Request& req) const;
    Response case_upload(storage::Db& db, const Viewer& v, const std::string& reference,
                         const Request& req) const;
    Response case_document(storage::Db& db, const Viewer& v, const std::string& reference,
                           const std::string& id) const;
    Response doctor_page(storage::Db& db, const Viewer& v, const std::string& gmc) const;
    Response reports_page(storage::Db& db, const Viewer& v, const Request& req, bool csv) const;
    Response reval_page(storage::Db& db, const Viewer& v, const Request& req) const;
    Response reval_change(storage::Db& db, const Viewer& v, const Request& req) const;
    Response held_page(storage::Db& db, const Viewer& v) const;
    Response held_change(storage::Db& db, const Viewer& v, const std::string& item,
                         const std::string& what, const Request& req) const;

    Response page(const Viewer* v, const std::string& title, const std::string& body_template,
                  const mstch::map& context, int status = 200) const;
    Response not_found(const Viewer* v) const;
    void set_flash(storage::Db& db, const Viewer& v, const Flash& flash) const;

    common::Config cfg_;
    std::string proxy_secret_;  ///< this process's key for the CSRF tokens of proxied members
};

}  // namespace casegate::console
