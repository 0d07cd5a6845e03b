// SECURITY: URLs, users and passwords come from the configuration; message bytes and server
// replies are untrusted and only passed through. Credentials are never put in error texts.
// HTTP: TLS peer and host are always verified; plain http:// is refused unless the host is
// loopback; redirects are not followed; bodies stop at a size limit; no compressed transfer
// (a small compressed body could expand past the limit before it is checked).
#include "net/curl.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <mutex>

namespace casegate::net {

namespace {

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyDeleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

struct WriteSink {
    std::string* out;
    std::size_t max;
    bool too_large = false;
};

std::size_t write_cb(char* data, std::size_t size, std::size_t n, void* user) {
    auto* sink = static_cast<WriteSink*>(user);
    const std::size_t len = size * n;
    if (sink->out->size() + len > sink->max) {
        sink->too_large = true;
        return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
    }
    sink->out->append(data, len);
    return len;
}

struct ReadSource {
    std::string_view data;
    std::size_t pos = 0;
};

std::size_t read_cb(char* buf, std::size_t size, std::size_t n, void* user) {
    auto* src = static_cast<ReadSource*>(user);
    const std::size_t len = std::min(size * n, src->data.size() - src->pos);
    std::memcpy(buf, src->data.data() + src->pos, len);
    src->pos += len;
    return len;
}

std::string host_of(std::string_view url) {
    std::size_t start = url.find("://");
    start = start == std::string_view::npos ? 0 : start + 3;
    std::string_view rest = url.substr(start);
    const std::size_t at = rest.find('@');
    if (at != std::string_view::npos && at < rest.find('/')) rest = rest.substr(at + 1);
    if (!rest.empty() && rest[0] == '[') return std::string(rest.substr(1, rest.find(']') - 1));
    return std::string(rest.substr(0, rest.find_first_of(":/")));
}

// A dotted IPv4 address in 127.0.0.0/8: four decimal parts, the first 127. A host name that
// merely starts with "127." (say 127.example.org) is not loopback.
bool is_loopback_ipv4(std::string_view host) {
    if (host.rfind("127.", 0) != 0) return false;
    int parts = 0;
    std::size_t pos = 0;
    while (pos <= host.size()) {
        const std::size_t dot = std::min(host.find('.', pos), host.size());
        const std::string_view part = host.substr(pos, dot - pos);
        if (part.empty() || part.size() > 3) return false;
        for (char c : part) {
            if (c < '0' || c > '9') return false;
        }
        if (std::stoi(std::string(part)) > 255) return false;
        ++parts;
        pos = dot + 1;
    }
    return parts == 4;
}

}  // namespace

bool is_loopback_url(std::string_view url) {
    const std::string host = host_of(url);
    return host == "localhost" || host == "::1" || is_loopback_ipv4(host);
}

struct Session::Impl {
    Options opt;
    std::unique_ptr<CURL, EasyDeleter> easy;
    char errbuf[CURL_ERROR_SIZE] = {};

    void prepare(const std::string& url, const char* protocols) {
        CURL* c = easy.get();
        curl_easy_reset(c);
        curl_easy_setopt(c, CURLOPT_URL, url.c_str());
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, protocols);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, opt.connect_timeout_ms);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, opt.timeout_ms);
        curl_easy_setopt(c, CURLOPT_SERVER_RESPONSE_TIMEOUT, opt.timeout_ms / 1000);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
        if (!opt.allow_plaintext)
            curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
        if (!opt.user.empty()) curl_easy_setopt(c, CURLOPT_USERNAME, opt.user.c_str());
        if (!opt.oauth2_token.empty()) {
            curl_easy_setopt(c, CURLOPT_XOAUTH2_BEARER, opt.oauth2_token.c_str());
            // libcurl prefers OAUTHBEARER when both are offered; Microsoft 365 wants XOAUTH2.
            curl_easy_setopt(c, CURLOPT_LOGIN_OPTIONS, "AUTH=XOAUTH2");
        } else if (!opt.password.empty()) {
            curl_easy_setopt(c, CURLOPT_PASSWORD, opt.password.c_str());
        }
        errbuf[0] = '\0';
    }

    // Closes the handle's connections (politely, with QUIT where still possible) and starts
    // a fresh handle: the next transfer connects anew.
    void reconnect() { easy.reset(curl_easy_init()); }

    Outcome finish(CURLcode rc, const WriteSink* sink) {
        Outcome o;
        o.curl_code = static_cast<int>(rc);
        o.ok = rc == CURLE_OK;
        curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &o.response_code);
        if (sink && sink->too_large) o.too_large = true;
        if (!o.ok) o.error = errbuf[0] ? errbuf : curl_easy_strerror(rc);
        return o;
    }
};

void Session::set_oauth2_token(std::string token) {
    impl_->opt.oauth2_token = std::move(token);
}

Session::Session(Options options) : impl_(std::make_unique<Impl>()) {
    global_init();
    impl_->opt = std::move(options);
    impl_->easy.reset(curl_easy_init());
}

Session::~Session() = default;

Outcome Session::imap_command(std::string_view path, std::string_view command) {
    std::string body;
    WriteSink sink{&body, 64UL * 1024 * 1024};
    impl_->prepare(impl_->opt.url + std::string(path), "imap,imaps");
    const std::string cmd(command);
    curl_easy_setopt(impl_->easy.get(), CURLOPT_CUSTOMREQUEST, cmd.c_str());
    curl_easy_setopt(impl_->easy.get(), CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(impl_->easy.get(), CURLOPT_WRITEDATA, &sink);
    Outcome o = impl_->finish(curl_easy_perform(impl_->easy.get()), &sink);
    o.body = std::move(body);
    return o;
}

Outcome Session::imap_fetch(std::string_view suffix, std::size_t max_bytes) {
    std::string body;
    WriteSink sink{&body, max_bytes};
    impl_->prepare(impl_->opt.url + std::string(suffix), "imap,imaps");
    curl_easy_setopt(impl_->easy.get(), CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(impl_->easy.get(), CURLOPT_WRITEDATA, &sink);
    Outcome o = impl_->finish(curl_easy_perform(impl_->easy.get()), &sink);
    o.body = std::move(body);
    return o;
}

Outcome Session::smtp_send(std::string_view from, const std::vector<std::string>& recipients,
                           std::string_view message) {
    impl_->prepare(impl_->opt.url, "smtp,smtps");
    CURL* c = impl_->easy.get();
    const std::string mail_from = "<" + std::string(from) + ">";
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
    curl_slist* rcpt = nullptr;
    for (const auto& r : recipients) rcpt = curl_slist_append(rcpt, ("<" + r + ">").c_str());
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcpt_guard(rcpt,
                                                                           curl_slist_free_all);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    ReadSource src{message};
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(c, CURLOPT_READDATA, &src);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
    Outcome o = impl_->finish(curl_easy_perform(c), nullptr);
    // libcurl keeps the connection after some refusals (e.g. 500 to DATA) without ending the
    // transaction, and a server may keep it open: the next MAIL FROM on it would get "503
    // nested MAIL command". After any failure the next message starts on a new connection.
    if (!o.ok) impl_->reconnect();
    return o;
}

namespace {

struct SlistDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// Header lines are sent as given: one holding CR or LF could smuggle another header or a body.
bool header_is_clean(std::string_view h) {
    return h.find_first_of("\r\n") == std::string_view::npos &&
           h.find(':') != std::string_view::npos;
}

// The protocol the URL may use, or "" (with the reason in `why`) when it is refused.
const char* allowed_protocol(std::string_view url, std::string& why) {
    auto starts = [&](std::string_view prefix) {
        if (url.size() < prefix.size()) return false;
        for (std::size_t i = 0; i < prefix.size(); ++i) {
            if (std::tolower(static_cast<unsigned char>(url[i])) != prefix[i]) return false;
        }
        return true;
    };
    if (starts("https://")) return "https";
    if (starts("http://")) {
        if (is_loopback_url(url)) return "http";
        why = "plain http:// is only allowed to a loopback host; use https://";
        return "";
    }
    why = "only https:// URLs are supported";
    return "";
}

HttpResponse http_request(std::string_view url, const std::string* post_body,
                          std::string_view content_type, const std::vector<std::string>& headers,
                          const HttpOptions& opts) {
    global_init();
    HttpResponse out;
    std::string why;
    const char* protocol = allowed_protocol(url, why);
    if (*protocol == '\0') {
        out.error = why;
        return out;
    }
    std::unique_ptr<curl_slist, SlistDeleter> list;
    auto add_header = [&](const std::string& h) {
        // curl_slist_append returns the (unchanged) head, or nullptr leaving the list as it was.
        if (curl_slist* head = curl_slist_append(list.get(), h.c_str())) {
            (void)list.release();
            list.reset(head);
        }
    };
    for (const std::string& h : headers) {
        if (!header_is_clean(h)) {
            out.error = "refused a malformed request header";
            return out;
        }
        add_header(h);
    }
    if (post_body) {
        const std::string ct = "Content-Type: " + std::string(content_type);
        if (!header_is_clean(ct)) {
            out.error = "refused a malformed content type";
            return out;
        }
        add_header(ct);
        add_header("Expect:");  // no 100-continue round trip
    }

    std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
    if (!easy) {
        out.error = "cannot create a libcurl handle";
        return out;
    }
    CURL* c = easy.get();
    char errbuf[CURL_ERROR_SIZE] = {};
    std::string body;
    WriteSink sink{&body, opts.max_response_bytes};
    const std::string u(url);
    curl_easy_setopt(c, CURLOPT_URL, u.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, protocol);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, opts.connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, opts.timeout_ms);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!opts.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, opts.ca_file.c_str());
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
                     static_cast<curl_off_t>(opts.max_response_bytes));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    if (list) curl_easy_setopt(c, CURLOPT_HTTPHEADER, list.get());
    if (post_body) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, post_body->data());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(post_body->size()));
    } else {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }
    const CURLcode rc = curl_easy_perform(c);
    out.curl_code = static_cast<int>(rc);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out.status);
    out.too_large = sink.too_large || rc == CURLE_FILESIZE_EXCEEDED;
    if (rc == CURLE_OK) {
        out.ok = true;
        out.body = std::move(body);
    } else if (out.too_large) {
        out.error = "response larger than " + std::to_string(opts.max_response_bytes) + " bytes";
    } else {
        out.error = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    }
    return out;
}

}  // namespace

HttpResponse http_get(std::string_view url, const HttpOptions& opts,
                      const std::vector<std::string>& headers) {
    return http_request(url, nullptr, {}, headers, opts);
}

HttpResponse http_post(std::string_view url, std::string_view body, std::string_view content_type,
                       const std::vector<std::string>& headers, const HttpOptions& opts) {
    const std::string b(body);
    return http_request(url, &b, content_type, headers, opts);
}

}  // namespace casegate::net
