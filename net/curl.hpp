// libcurl behind one small class: IMAP commands and fetches, and SMTP sends; and two
// functions for HTTP(S) GET and POST (the revalidation feeds). curl.cpp is the only file that
// includes curl/curl.h.
//
// TLS is always verified. A plain imap:// or smtp:// URL is upgraded with STARTTLS, which is
// required, unless the caller allows plaintext (only for loopback servers; see
// is_loopback_url). HTTP is https:// only, except plain http:// to a loopback host (tests).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace casegate::net {

struct Options {
    std::string url;  ///< imap://, imaps://, smtp:// or smtps:// with host[:port], no path
    std::string user;
    std::string password;
    std::string oauth2_token;  ///< XOAUTH2 bearer token instead of a password
    bool allow_plaintext = false;
    long connect_timeout_ms = 10000;
    long timeout_ms = 120000;
};

struct Outcome {
    bool ok = false;
    int curl_code = 0;
    long response_code = 0;  ///< last server reply code (SMTP)
    std::string error;       ///< curl's message, secrets never included
    std::string body;        ///< IMAP: untagged response lines or the fetched message
    bool too_large = false;  ///< fetch stopped at max_bytes
};

/// True when the URL's host is a loopback address or "localhost".
bool is_loopback_url(std::string_view url);

/// Limits and TLS settings of one HTTP(S) request.
struct HttpOptions {
    long connect_timeout_ms = 10000;
    long timeout_ms = 120000;  ///< the whole request, body included
    std::size_t max_response_bytes = 64UL * 1024 * 1024;
    std::string ca_file;  ///< extra trust anchors (PEM) instead of the system store; "" = system
};

/// The result of an HTTP(S) request. `ok` means a response arrived (whatever its status);
/// otherwise `error` says why not (refused URL, DNS, TLS, timeout, too large).
struct HttpResponse {
    bool ok = false;
    long status = 0;  ///< HTTP status code, 0 when no response arrived
    std::string body;
    std::string error;
    int curl_code = 0;
    bool too_large = false;  ///< the body passed max_response_bytes; the request was abandoned
};

/// GETs an https:// URL (or http:// to a loopback host), with extra headers ("Name: value"
/// each; a header holding CR or LF is refused). TLS is always verified; redirects are not
/// followed. Never throws for network failures (they are in the response).
HttpResponse http_get(std::string_view url, const HttpOptions& opts = {},
                      const std::vector<std::string>& headers = {});

/// POSTs `body` with the given Content-Type and extra headers. Same rules as http_get.
HttpResponse http_post(std::string_view url, std::string_view body, std::string_view content_type,
                       const std::vector<std::string>& headers = {}, const HttpOptions& opts = {});

class Session {
  public:
    explicit Session(Options options);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    /// Runs an IMAP command. `path` is "" for the server or "/INBOX" to select a mailbox first.
    Outcome imap_command(std::string_view path, std::string_view command);
    /// Fetches by URL suffix, e.g. "/INBOX;UIDVALIDITY=5/;UID=12". Stops at max_bytes.
    Outcome imap_fetch(std::string_view suffix, std::size_t max_bytes);
    /// Sends one message by SMTP to every recipient (fails if any recipient is refused). After
    /// a failure the connection is closed, so that a refused message never leaves its SMTP
    /// transaction open for the next one: the next send connects anew.
    Outcome smtp_send(std::string_view from, const std::vector<std::string>& recipients,
                      std::string_view message);
    /// Replaces the XOAUTH2 token (a renewed one) for the sign-ins from now on. A connection
    /// already signed in stays open.
    void set_oauth2_token(std::string token);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace casegate::net
