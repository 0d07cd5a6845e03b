// The public referral form (seed 001 CM-1): the form generated from the one definition
// (forms::referral_form(): labels, help, choices, required markers), checked on the server by
// the same validation as every other channel, a "check your answers" page with the declaration
// to accept, and a receipt once the submission is in the spool. Works without JavaScript.
// Everything under /api/ is the pull API (pull_api.hpp).
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>

#include "common/config.hpp"
#include "forms/form.hpp"
#include "formsvc/spool.hpp"
#include "http/http.hpp"
#include "http/metrics.hpp"
#include "util/mustache.hpp"

namespace casegate::formsvc {

class FormApp {
  public:
    FormApp(common::FormServiceConfig cfg, Spool& spool);

    /// Answers one request (any thread). Never throws: a failure to store is a 503 page that
    /// says nothing was received.
    http::Response handle(const http::Request& req);

    /// For /metrics: sends by outcome since start, and the submissions waiting in the spool.
    std::vector<http::Family> metrics() const;

  private:
    http::Response form_page(const http::Request& req, bool check) const;
    http::Response check_page(const http::Request& req, const forms::Referral& r,
                              const std::string& documents_error, bool terms_error) const;
    http::Response send(const http::Request& req);
    http::Response page(const std::string& title, const std::string& body_template,
                        const mstch::map& context, int status = 200) const;
    std::string client_address(const http::Request& req) const;
    bool within_rate(const std::string& address);

    common::FormServiceConfig cfg_;
    Spool& spool_;
    std::vector<std::string> employers_;  ///< offered for the employer, by name
    std::mutex mutex_;
    std::map<std::string, std::deque<std::chrono::steady_clock::time_point>> sent_;
    /// Sends (POST /send and robots' posts) by outcome: stored, invalid, documents_refused,
    /// terms_missing, rate_limited, honeypot.
    mutable std::mutex counts_mutex_;
    std::map<std::string, std::uint64_t> sends_;
    void count(const std::string& outcome);
};

}  // namespace casegate::formsvc
