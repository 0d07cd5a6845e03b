// SECURITY: URLs, users and passwords come from the configuration; message bytes and server
// replies are untrusted and only passed through. Credentials are never put in error texts.
#include "net/curl.hpp"

#include <curl/curl.h>

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

}  // namespace

bool is_loopback_url(std::string_view url) {
    const std::string host = host_of(url);
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::string url_encode_path(std::string_view s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
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
        if (!opt.allow_plaintext) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
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

Session::Session(Options options) : impl_(std::make_unique<Impl>()) {
    global_init();
    impl_->opt = std::move(options);
    impl_->easy.reset(curl_easy_init());
}

Session::~Session() = default;

Outcome Session::imap_command(std::string_view path, std::string_view command) {
    std::string body;
    WriteSink sink{&body, 64 * 1024 * 1024};
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
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcpt_guard(rcpt, curl_slist_free_all);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    ReadSource src{message};
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(c, CURLOPT_READDATA, &src);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
    return impl_->finish(curl_easy_perform(c), nullptr);
}

}  // namespace casegate::net
