#include "formsvc/form_app.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "common/clock.hpp"
#include "common/log.hpp"
#include "forms/form.hpp"
#include "formsvc/documents.hpp"
#include "formsvc/pull_api.hpp"
#include "import/employers.hpp"
#include "util/strings.hpp"

namespace casegate::formsvc {

namespace {

constexpr std::pair<std::string_view, std::string_view> kPageTemplates[] = {
#include "formsvc_templates.inc"
};

// A field no person fills in (it is hidden from them); robots that fill every field do.
constexpr const char* kHoneypot = "website";

std::string render_page(const std::string& name, const mstch::map& context) {
    for (const auto& [n, text] : kPageTemplates) {
        if (n == name) return util::render(std::string(text), context, util::Escape::html);
    }
    throw std::logic_error("no page template " + name);
}

// The error summary at the top of a page (NHS.UK pattern), "" when there is nothing wrong.
std::string error_summary(const mstch::array& summary) {
    return summary.empty() ? std::string() : render_page("error_summary", {{"summary", summary}});
}

// The fields as the page sent them, in form order: a multi-choice's boxes one per line.
forms::RawFields raw_of(const http::Request& req) {
    forms::RawFields raw;
    for (const forms::FieldDef& f : forms::referral_form()) {
        const std::string key(f.key);
        if (f.type == forms::FieldType::multi_choice) {
            std::string joined;
            for (const std::string& v : req.params_of(key)) joined += v + "\n";
            if (!joined.empty()) raw.emplace_back(key, joined);
        } else if (const std::string v = req.param(key); !v.empty()) {
            raw.emplace_back(key, v);
        }
    }
    return raw;
}

// The error to show beside a field and in the summary, in the NHS.UK style.
std::string message_for(const forms::FieldDef& f, const forms::Referral& r) {
    for (const forms::FieldError& e : r.errors) {
        if (e.field == f.key) return std::string(f.label) + " " + e.message;
    }
    if (std::find(r.missing.begin(), r.missing.end(), f.key) == r.missing.end()) return {};
    if (f.key == "terms_accepted") return "Confirm that you accept the terms and conditions";
    const bool pick = f.type == forms::FieldType::choice || f.type == forms::FieldType::yes_no ||
                      f.type == forms::FieldType::multi_choice;
    // "Enter your name", "Enter GMC number": the label in the sentence, acronyms kept.
    std::string label(f.label);
    if (label.size() > 1 && std::isupper(static_cast<unsigned char>(label[0])) &&
        !std::isupper(static_cast<unsigned char>(label[1])))
        label[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(label[0])));
    return std::string(pick ? "Select " : "Enter ") + label;
}

// What the page shows of a field: its input, the value given and its error.
mstch::map field_context(const forms::FieldDef& f, const http::Request& req,
                         const std::string& error, const std::vector<std::string>& employers) {
    const std::string key(f.key);
    const std::string value = req.param(key);
    const std::vector<std::string> chosen = req.params_of(key);
    mstch::array options;
    int n = 0;
    for (std::string_view o : f.options) {
        const std::string option(o);
        const bool on = f.type == forms::FieldType::multi_choice
                            ? std::find(chosen.begin(), chosen.end(), option) != chosen.end()
                            : value == option;
        options.emplace_back(mstch::map{{"value", option},
                                        {"id", key + "-" + std::to_string(++n)},
                                        {"checked", on}});
    }
    mstch::map c{{"key", key},
                 {"label", std::string(f.label)},
                 {"help", std::string(f.help)},
                 {"has_help", !f.help.empty()},
                 {"optional", !f.required},
                 {"value", value},
                 {"error", error},
                 {"has_error", !error.empty()},
                 {"options", options},
                 {"yes", value == "yes"},
                 {"no", value == "no"}};
    using T = forms::FieldType;
    const bool many = f.options.size() > 8;
    c.emplace("is_text", f.type == T::text || f.type == T::gmc || f.type == T::email ||
                             f.type == T::date);
    c.emplace("input_type", std::string(f.type == T::email ? "email" : "text"));
    c.emplace("numeric", f.type == T::gmc);
    c.emplace("is_date", f.type == T::date);
    c.emplace("is_long", f.type == T::long_text);
    c.emplace("is_select", f.type == T::choice && many);
    c.emplace("is_radios", f.type == T::choice && !many);
    c.emplace("is_checkboxes", f.type == T::multi_choice);
    c.emplace("is_yes_no", f.type == T::yes_no);
    // The region's employers as suggestions: the box still takes anything ("Other").
    const bool suggest = f.key == "employer" && !employers.empty();
    c.emplace("has_list", suggest);
    mstch::array items;
    if (suggest) {
        items.reserve(employers.size());
        for (const std::string& e : employers) items.emplace_back(e);
    }
    c.emplace("list_items", items);
    return c;
}

// The validated fields as the daemon reads a web submission (forms::evaluate_json).
std::string fields_json(const forms::Referral& r) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [key, value] : r.fields) {
        if (const auto* s = std::get_if<std::string>(&value)) {
            j[key] = *s;
        } else if (const auto* b = std::get_if<bool>(&value)) {
            j[key] = *b;
        } else {
            j[key] = std::get<std::vector<std::string>>(value);
        }
    }
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The answers as the check page lists them.
std::string shown(const forms::Value& v) {
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    if (const auto* b = std::get_if<bool>(&v)) return *b ? "Yes" : "No";
    std::string out;
    for (const std::string& item : std::get<std::vector<std::string>>(v))
        out += (out.empty() ? "" : ", ") + item;
    return out;
}

}  // namespace

FormApp::FormApp(common::FormServiceConfig cfg, Spool& spool)
    : cfg_(std::move(cfg)), spool_(spool) {
    if (cfg_.employers_file.empty()) return;
    try {
        employers_ = import::EmployerList::load(cfg_.employers_file).names();
        std::sort(employers_.begin(), employers_.end());
    } catch (const std::exception& e) {
        common::logger("form")->error("employers not offered error={}", e.what());
    }
}

http::Response FormApp::page(const std::string& title, const std::string& body_template,
                             const mstch::map& context, int status) const {
    http::Response r;
    r.status = status;
    r.body = render_page("layout", {{"title", title}, {"content", render_page(body_template, context)}});
    return r;
}

// Behind a trusted reverse proxy, the client is the address the proxy itself added: the last
// of X-Forwarded-For (earlier ones are whatever the client sent).
std::string FormApp::client_address(const http::Request& req) const {
    const auto& proxies = cfg_.trusted_proxies;
    if (std::find(proxies.begin(), proxies.end(), req.remote_addr) == proxies.end())
        return req.remote_addr;
    const std::string forwarded = req.header("x-forwarded-for");
    const std::size_t comma = forwarded.rfind(',');
    const std::string tail = comma == std::string::npos ? forwarded : forwarded.substr(comma + 1);
    const std::string last(util::trim(tail));
    return last.empty() ? req.remote_addr : last;
}

void FormApp::count(const std::string& outcome) {
    const std::lock_guard<std::mutex> lock(counts_mutex_);
    ++sends_[outcome];
}

std::vector<http::Family> FormApp::metrics() const {
    http::Family sends{"casegate_form_sends_total", "counter",
                       "Referrals sent to the form service, by outcome (stored, invalid, "
                       "documents_refused, terms_missing, rate_limited, honeypot).",
                       {}};
    {
        const std::lock_guard<std::mutex> lock(counts_mutex_);
        for (const auto& [outcome, n] : sends_)
            sends.samples.push_back({{{"outcome", outcome}}, static_cast<double>(n)});
    }
    const std::size_t waiting = spool_.pending("", std::numeric_limits<std::size_t>::max()).size();
    return {std::move(sends),
            {"casegate_form_spool_pending", "gauge",
             "Submissions stored and not yet acknowledged by casegate.",
             {{{}, static_cast<double>(waiting)}}}};
}

bool FormApp::within_rate(const std::string& address) {
    const auto now = std::chrono::steady_clock::now();
    const std::lock_guard<std::mutex> lock(mutex_);
    auto& times = sent_[address];
    while (!times.empty() && now - times.front() > std::chrono::hours(1)) times.pop_front();
    if (static_cast<int>(times.size()) >= cfg_.rate_limit_per_address) return false;
    times.push_back(now);
    return true;
}

http::Response FormApp::handle(const http::Request& req) {
    http::Response r;
    try {
        if (is_pull_api(req)) {
            r = pull_api(spool_, cfg_.pull_token, req);
        } else if (req.path == "/" && (req.method == "GET" || req.method == "HEAD")) {
            r = form_page(req, false);
        } else if (req.method == "POST" && !req.param(kHoneypot).empty()) {
            // A robot: it is shown what a person would see, and nothing is kept.
            count("honeypot");
            r = page("Referral sent", "received",
                     {{"receipt", std::string("20260101-000000-000000-000000")}});
        } else if (req.path == "/" && req.method == "POST") {
            // "Change your answers" comes back to the form as it was filled in.
            r = form_page(req, req.param("edit") != "1");
        } else if (req.path == "/send" && req.method == "POST") {
            r = send(req);
        } else if (req.path.rfind("/received/", 0) == 0 &&
                   Spool::is_receipt(req.path.substr(10))) {
            r = page("Referral sent", "received", {{"receipt", req.path.substr(10)}});
        } else {
            r = page("Page not found", "message",
                     {{"heading", std::string("Page not found")},
                      {"text", std::string("If you typed the web address, check it is correct.")}},
                     404);
        }
    } catch (const std::exception&) {
        r = page("Sorry, there is a problem with the service", "message",
                 {{"heading", std::string("Sorry, there is a problem with the service")},
                  {"text", std::string("Your referral was not sent. Try again later.")}},
                 503);
    }
    for (auto& h : http::security_headers()) r.headers.push_back(std::move(h));
    if (r.no_store) r.headers.emplace_back("Cache-Control", "no-store");
    return r;
}

// The form (check = false, or with the errors of what was sent), or, when everything but the
// declaration is valid, the "check your answers" page.
http::Response FormApp::form_page(const http::Request& req, bool check) const {
    const forms::ValidateContext ctx{common::local_today(), ""};
    forms::Referral r = forms::validate(raw_of(req), ctx);
    // The declaration is asked on the check page, not here.
    std::erase(r.missing, std::string("terms_accepted"));
    std::erase_if(r.errors, [](const forms::FieldError& e) { return e.field == "terms_accepted"; });
    mstch::array fields;
    mstch::array summary;
    for (const forms::FieldDef& f : forms::referral_form()) {
        if (f.key == "terms_accepted") continue;
        const std::string error = check ? message_for(f, r) : std::string();
        if (!error.empty())
            summary.emplace_back(mstch::map{{"key", std::string(f.key)}, {"error", error}});
        fields.emplace_back(field_context(f, req, error, employers_));
    }
    if (check && summary.empty()) return check_page(req, r, {}, false);
    return page(summary.empty() ? "Refer a concern about a doctor in training"
                                : "Error: Refer a concern about a doctor in training",
                "form",
                {{"fields", fields}, {"error_summary", error_summary(summary)}},
                summary.empty() ? 200 : 400);
}

// Check your answers: what will be sent, carried in hidden fields to /send, with the documents
// to attach and the declaration; after a refused send, with why.
http::Response FormApp::check_page(const http::Request& req, const forms::Referral& r,
                                   const std::string& documents_error, bool terms_error) const {
    mstch::array answers;
    mstch::array hidden;
    for (const forms::FieldDef& f : forms::referral_form()) {
        const std::string key(f.key);
        if (key == "terms_accepted") continue;
        if (const auto it = r.fields.find(key); it != r.fields.end())
            answers.emplace_back(mstch::map{{"label", std::string(f.label)}, {"value", shown(it->second)}});
        for (const std::string& v : req.params_of(key))
            hidden.emplace_back(mstch::map{{"key", key}, {"value", v}});
    }
    mstch::array summary;
    if (!documents_error.empty())
        summary.emplace_back(mstch::map{{"key", std::string("documents")}, {"error", documents_error}});
    if (terms_error)
        summary.emplace_back(mstch::map{
            {"key", std::string("terms")},
            {"error", std::string("Confirm that you accept the terms and conditions")}});
    // The whole request is limited too (max_body_bytes); a little of it is the answers.
    const std::size_t all_documents =
        std::min(cfg_.max_document_bytes * static_cast<std::size_t>(cfg_.max_documents),
                 cfg_.max_body_bytes - std::min(cfg_.max_body_bytes / 8, 1024UL * 1024));
    return page(summary.empty() ? "Check your answers" : "Error: Check your answers", "check",
                {{"answers", answers},
                 {"hidden", hidden},
                 {"error_summary", error_summary(summary)},
                 {"has_documents_error", !documents_error.empty()},
                 {"documents_error", documents_error},
                 {"has_terms_error", terms_error},
                 {"documents_allowed", cfg_.max_documents > 0},
                 {"max_documents", std::to_string(cfg_.max_documents)},
                 {"max_size", size_words(cfg_.max_document_bytes)},
                 {"max_total", size_words(all_documents)},
                 {"declaration", std::string(forms::declaration_text())}},
                summary.empty() ? 200 : 400);
}

http::Response FormApp::send(const http::Request& req) {
    const forms::ValidateContext ctx{common::local_today(), ""};
    const forms::Referral r = forms::validate(raw_of(req), ctx);
    // Only the declaration can be missing here (the form was checked); anything else was
    // changed on the way, and the form says what.
    const bool terms_missing = std::find(r.missing.begin(), r.missing.end(),
                                         std::string("terms_accepted")) != r.missing.end();
    const bool only_terms =
        r.errors.empty() && (r.missing.empty() || (terms_missing && r.missing.size() == 1));
    if (!only_terms) {
        count("invalid");
        return form_page(req, true);
    }
    const CheckedDocuments docs =
        check_documents(req.files, "documents", static_cast<std::size_t>(cfg_.max_documents),
                        cfg_.max_document_bytes);
    if (terms_missing || !docs.error.empty()) {
        count(docs.error.empty() ? "terms_missing" : "documents_refused");
        return check_page(req, r, docs.error, terms_missing);
    }
    if (!within_rate(client_address(req))) {
        count("rate_limited");
        return page("Too many referrals", "message",
                    {{"heading", std::string("Too many referrals from this address")},
                     {"text", "At most " + std::to_string(cfg_.rate_limit_per_address) +
                                  " referrals an hour are taken from one address. Your "
                                  "referral was not sent; try again later."}},
                    429);
    }
    const std::string receipt = spool_.store(fields_json(r), docs.documents);
    count("stored");
    return http::Response::redirect("/received/" + receipt);
}

}  // namespace casegate::formsvc
