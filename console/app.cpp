// The console's routes, sign-in and sessions. The pages themselves are in pages.cpp.
#include "console/app.hpp"

#include <nlohmann/json.hpp>

#include "console/page_parts.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>
#include <utility>

#include "cases/outgoing.hpp"
#include "common/log.hpp"
#include "console/pages.hpp"
#include "notifier/compose.hpp"
#include "storage/cases.hpp"
#include "storage/console.hpp"
#include "storage/outbox.hpp"
#include "util/hmac.hpp"
#include "util/random.hpp"
#include "util/strings.hpp"

namespace casegate::console {

namespace {

std::string session_cookie(const std::string& value, int max_age_seconds) {
    return util::concat({kSessionCookie, "=", value, "; Path=/; Max-Age=",
                         std::to_string(max_age_seconds),
                         "; Secure; HttpOnly; SameSite=Strict"});
}

// A page of this console to return to after signing in: a path of [A-Za-z0-9/._-], never
// another site ("//host") and never the sign-in pages themselves.
bool own_page(std::string_view path) {
    return path.size() > 1 && path.size() <= 200 && path[0] == '/' && path[1] != '/' &&
           !path.starts_with("/sign-") &&
           std::all_of(path.begin(), path.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '/' || c == '-' || c == '.' || c == '_';
           });
}

// A path segment made of [A-Za-z0-9-] only (references, GMC numbers, tokens, ids).
bool plain_segment(std::string_view s) {
    return !s.empty() && s.size() <= 128 && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-';
    });
}

}  // namespace

App::App(common::Config cfg) : cfg_(std::move(cfg)), proxy_secret_(util::random_hex(32)) {}

Response App::unavailable() const {
    Response r = page(nullptr, "Service unavailable", "message",
                      {{"heading", std::string("Sorry, the service is unavailable")},
                       {"text", std::string("The case database cannot be reached. Try again in "
                                            "a few minutes.")}},
                      503);
    for (auto& h : security_headers()) r.headers.push_back(std::move(h));
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
}

Response App::handle(storage::Db& db, const Request& req) const {
    // Paths name cases and doctors: the log gives only the first segment.
    const auto where = [&req] {
        const std::size_t end = req.path.find('/', 1);
        return req.method + " " + req.path.substr(0, end);
    };
    Response r;
    try {
        r = route(db, req);
    } catch (const storage::DbError& e) {
        common::logger("console")->error("database error on {}: {}", where(), e.what());
        return unavailable();
    } catch (const std::exception& e) {
        common::logger("console")->error("error on {}: {}", where(), e.what());
        r = page(nullptr, "Something went wrong", "message",
                 {{"heading", std::string("Sorry, something went wrong")},
                  {"text", std::string("The error is logged for the service's operators. Look "
                                       "at the case before trying again.")}},
                 500);
    }
    for (auto& h : security_headers()) r.headers.push_back(std::move(h));
    if (r.no_store) r.headers.emplace_back("Cache-Control", "no-store");
    return r;
}

std::optional<App::Viewer> App::viewer(storage::Db& db, const Request& req,
                                       bool& proxied) const {
    proxied = false;
    const common::ConsoleConfig& c = cfg_.console;
    if (!c.proxy_user_header.empty() &&
        std::find(c.trusted_proxies.begin(), c.trusted_proxies.end(), req.remote_addr) !=
            c.trusted_proxies.end()) {
        const std::string email = req.header(util::ascii_lower(c.proxy_user_header));
        if (!email.empty()) {
            proxied = true;
            const std::optional<cases::Staff> staff = cases::find_staff(cfg_, email);
            if (!staff) return std::nullopt;
            // The proxy signs the member in on every request; the CSRF token is tied to them.
            return Viewer{*staff, "", util::hmac_sha256_hex(proxy_secret_, staff->email), ""};
        }
    }
    const std::string id = req.cookie(kSessionCookie);
    if (!plain_segment(id)) return std::nullopt;
    const bool page_view = req.method == "GET";
    std::optional<storage::ConsoleSession> s;
    storage::with_retry(db, [&] {
        s = storage::touch_session(db, id, c.session_idle_minutes, page_view);
    });
    if (!s) return std::nullopt;
    const std::optional<cases::Staff> staff = cases::find_staff(cfg_, s->email);
    if (!staff) return std::nullopt;  // no longer in the configuration
    return Viewer{*staff, id, s->csrf_token, s->flash};
}

Response App::route(storage::Db& db, const Request& req) const {
    const std::vector<std::string> seg = req.segments();
    const bool get = req.method == "GET" || req.method == "HEAD";
    const bool post = req.method == "POST";
    if (!get && !post) {
        Response r = not_found(nullptr);
        r.status = 405;
        return r;
    }

    // Signing in needs no session.
    if (!seg.empty() && seg[0] == "sign-in") {
        if (seg.size() == 1 && post) return sign_in_request(db, req);
        if (seg.size() == 2 && plain_segment(seg[1]))
            return get ? sign_in_confirm(seg[1]) : sign_in_use(db, seg[1]);
        return not_found(nullptr);
    }

    bool proxied = false;
    const std::optional<Viewer> v = viewer(db, req, proxied);
    if (!v) {
        if (get && seg.empty()) return sign_in_page("", "");
        if (get) {
            Response r = sign_in_page("", "Sign in to see this page.",
                                      own_page(req.path) ? req.path : "");
            r.status = 401;
            return r;
        }
        Response r = sign_in_page("", "Your session has ended. Sign in again.");
        r.status = 401;
        return r;
    }

    if (post) {
        // Every form carries the session's token; SameSite=Strict cookies are the second lock.
        if (!util::equal_constant_time(req.param("csrf"), v->csrf)) {
            Response r = page(&*v, "Form expired", "message",
                              {{"heading", std::string("This form has expired")},
                               {"text", std::string("Nothing was changed. Go back, reload the "
                                                    "page and try again.")}},
                              403);
            return r;
        }
        if (seg.size() == 1 && seg[0] == "sign-out") return sign_out(db, *v);
        if (seg.size() == 3 && seg[0] == "cases" && plain_segment(seg[1])) {
            if (seg[2] == "actions") return case_change(db, *v, seg[1], req);
            if (seg[2] == "documents") return case_upload(db, *v, seg[1], req);
        }
        if (seg.size() == 3 && seg[0] == "held" && plain_segment(seg[1]))
            return held_change(db, *v, seg[1], seg[2], req);
        if (seg.size() == 1 && seg[0] == "revalidation") return reval_change(db, *v, req);
        return not_found(&*v);
    }

    if (seg.empty()) return cases_page(db, *v, req, false);
    if (seg.size() == 1 && seg[0] == "cases.csv") return cases_page(db, *v, req, true);
    if (seg.size() == 2 && seg[0] == "cases" && plain_segment(seg[1]))
        return case_page(db, *v, seg[1]);
    if (seg.size() == 4 && seg[0] == "cases" && plain_segment(seg[1]) && seg[2] == "documents" &&
        plain_segment(seg[3]))
        return case_document(db, *v, seg[1], seg[3]);
    if (seg.size() == 2 && seg[0] == "doctors" && plain_segment(seg[1]))
        return doctor_page(db, *v, seg[1]);
    if (seg.size() == 1 && seg[0] == "held") return held_page(db, *v);
    if (seg.size() == 1 && seg[0] == "reports") return reports_page(db, *v, req, false);
    if (seg.size() == 1 && seg[0] == "reports.csv") return reports_page(db, *v, req, true);
    if (seg.size() == 1 && seg[0] == "revalidation") return reval_page(db, *v, req);
    return not_found(&*v);
}

// ---- signing in ----------------------------------------------------------------------------

Response App::sign_in_page(const std::string& message, const std::string& error,
                           const std::string& return_to) const {
    mstch::map c{{"message", message},
                 {"error", error},
                 {"has_error", !error.empty()},
                 {"return_to", return_to}};
    return page(nullptr, "Sign in", "sign_in", c, error.empty() ? 200 : 400);
}

Response App::sign_in_request(storage::Db& db, const Request& req) const {
    const std::string email{util::trim(req.param("email"))};
    const std::string asked = req.param("return_to");
    const std::string return_to = own_page(asked) ? asked : "/";
    if (email.empty() || email.size() > 254 || email.find('@') == std::string::npos) {
        return sign_in_page("", "Enter your work email address, like name@example.nhs.uk");
    }
    // The same answer whether or not the address is staff: the page tells nobody who is.
    const std::optional<cases::Staff> staff = cases::find_staff(cfg_, email);
    bool sent = false;
    if (staff) {
        const std::string token = util::random_hex(32);
        std::string base = cfg_.console.base_url;
        while (!base.empty() && base.back() == '/') base.pop_back();
        const std::string link = util::concat({base, "/sign-in/", token});
        storage::with_retry(db, [&] {
            storage::Transaction tx(db);
            storage::forget_old_sessions(db);
            sent = storage::recent_sign_ins(db, staff->email, kSignInMinutes) < kSignInsPerWindow;
            if (sent) {
                storage::add_sign_in(db, token, staff->email, kSignInMinutes, return_to);
                notifier::Notification n;
                n.kind = "sign_in_link";
                n.text = notifier::sign_in_link(staff->name, link, kSignInMinutes);
                n.to = {staff->email};
                storage::enqueue(db, notifier::compose({cfg_.smtp.from, cfg_.smtp.from_name}, n));
            }
            storage::audit(db, staff->email,
                           sent ? "console.sign_in_link" : "console.sign_in_link_withheld",
                           std::nullopt, std::nullopt, "{}");
            tx.commit();
        });
    }
    const auto log = common::logger("console");
    if (!staff) {
        log->info("sign-in asked for an address that is not staff");
    } else if (sent) {
        log->info("sign-in link sent to a member of {}", staff->office);
    } else {
        log->warn("sign-in link withheld from a member of {}: {} sent in {} minutes",
                  staff->office, kSignInsPerWindow, kSignInMinutes);
    }
    return page(nullptr, "Check your email", "sign_in_sent",
                {{"minutes", std::to_string(kSignInMinutes)}});
}

Response App::sign_in_confirm(const std::string& token) const {
    // A GET never uses the link: mail scanners open links before people do.
    return page(nullptr, "Sign in", "sign_in_confirm", {{"token", token}});
}

Response App::sign_in_use(storage::Db& db, const std::string& token) const {
    std::optional<storage::UsedSignIn> used;
    std::string session_id, csrf;
    storage::with_retry(db, [&] {
        storage::Transaction tx(db);
        used = storage::use_sign_in(db, token);
        if (used && cases::find_staff(cfg_, used->email)) {
            session_id = util::random_hex(32);
            csrf = util::random_hex(32);
            storage::add_session(db, session_id, used->email, csrf, "link",
                                 cfg_.console.session_max_hours * 60);
            storage::audit(db, used->email, "console.signed_in", std::nullopt, std::nullopt,
                           "{}");
        }
        tx.commit();
    });
    if (session_id.empty()) {
        return sign_in_page("", "That sign-in link has expired or has been used. Ask for a new "
                                "one below.");
    }
    Response r = Response::redirect(own_page(used->return_to) ? used->return_to : "/");
    r.headers.emplace_back("Set-Cookie",
                           session_cookie(session_id, cfg_.console.session_max_hours * 3600));
    return r;
}

Response App::sign_out(storage::Db& db, const Viewer& v) const {
    if (!v.session_id.empty()) {
        storage::with_retry(db, [&] {
            storage::Transaction tx(db);
            storage::end_session(db, v.session_id);
            storage::audit(db, v.staff.email, "console.signed_out", std::nullopt, std::nullopt,
                           "{}");
            tx.commit();
        });
    }
    Response r = sign_in_page("You have signed out.", "");
    r.headers.emplace_back("Set-Cookie", session_cookie("", 0));
    return r;
}

void App::set_flash(storage::Db& db, const Viewer& v, const Flash& flash) const {
    if (v.session_id.empty()) return;
    const std::string text =
        nlohmann::json{{"done", flash.done}, {"title", flash.title}, {"lines", flash.lines}}.dump(
            -1, ' ', false, nlohmann::json::error_handler_t::replace);
    storage::with_retry(db, [&] { storage::set_flash(db, v.session_id, text); });
}

// ---- the frame of every page ---------------------------------------------------------------

Response App::page(const Viewer* v, const std::string& title, const std::string& body_template,
                   const mstch::map& context, int status) const {
    mstch::map frame{{"title", title}};
    if (v) {
        mstch::map member{{"name", v->staff.name},
                          {"office", v->staff.office},
                          {"role", std::string(v->staff.role == workflow::Role::admin
                                                   ? "Admin"
                                                   : "Case manager")},
                          {"csrf", v->csrf},
                          {"is_admin", v->staff.role == workflow::Role::admin},
                          {"can_sign_out", !v->session_id.empty()}};
        frame.emplace("member", member);
    }
    mstch::map body_context = context;
    if (v) body_context.emplace("csrf", v->csrf);
    if (v && !v->flash.empty()) {
        // What the last change did, above whichever page comes next.
        const nlohmann::json f = parsed(v->flash);
        mstch::array lines;
        if (f.contains("lines") && f["lines"].is_array())
            for (const nlohmann::json& l : f["lines"])
                if (l.is_string()) lines.emplace_back(l.get<std::string>());
        const bool has_lines = !lines.empty();
        body_context.emplace(
            "flash_html",
            render_page("flash", {{"done", f.value("done", false)},
                                  {"title", f.value("title", std::string())},
                                  {"lines", std::move(lines)},
                                  {"has_lines", has_lines}}));
    }
    frame.emplace("content", render_page(body_template, body_context));
    Response r;
    r.status = status;
    r.body = render_page("layout", frame);
    return r;
}

Response App::not_found(const Viewer* v) const {
    return page(v, "Page not found", "message",
                {{"heading", std::string("Page not found")},
                 {"text", std::string("If you typed the web address, check it is correct. If "
                                      "you followed a link to a case, it may not be one you "
                                      "can see.")}},
                404);
}

}  // namespace casegate::console
