// The texts' template files: the built-in ones (notifier/templates/NAME.txt), an operator's own
// (for every office or one), rendering a text by name with the one in use, and checking an
// operator's files with sample data before they are used.
#include "notifier/templates.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "notifier/text_contexts.hpp"
#include "util/mustache.hpp"
#include "util/strings.hpp"

namespace casegate::notifier {
using namespace detail;
namespace {

// The shipped texts, notifier/templates/*.txt, as (name, file) pairs in name order.
constexpr std::pair<std::string_view, std::string_view> kBuiltinTemplates[] = {
#include "builtin_templates.inc"
};

// ---- the templates ----

constexpr std::size_t kMaxTemplateBytes = 64UL * 1024;

struct Source {
    std::string subject;
    std::string body;
};

// "Subject: …", a blank line, the body; a line "--" becomes the signature marker "-- ".
std::optional<Source> parse_source(std::string_view text, std::string& error) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    const std::string unix = unix_lines(text);
    std::istringstream in(unix);
    std::string line;
    if (!std::getline(in, line) || line.rfind("Subject:", 0) != 0) {
        error = "line 1: must be \"Subject: …\"";
        return std::nullopt;
    }
    Source s;
    s.subject = std::string(util::trim(std::string_view(line).substr(8)));
    if (s.subject.empty()) {
        error = "line 1: the subject is empty";
        return std::nullopt;
    }
    if (std::getline(in, line) && !util::trim(line).empty()) {
        error = "line 2: must be blank (it separates the subject from the body)";
        return std::nullopt;
    }
    while (std::getline(in, line)) {
        if (util::trim(line) == "--") line = "-- ";
        s.body += line + "\n";
    }
    return s;
}

using Sources = std::map<std::string, Source, std::less<>>;

struct Registry {
    Sources common;                                       ///< from TemplateDirs::dir
    std::map<std::string, Sources, std::less<>> offices;  ///< by office name
    std::string console_url;
};

// The console's links every text may use (empty without a console).
mstch::map with_links(mstch::map c, const std::string& console_url) {
    std::string case_link;
    if (const auto it = c.find("reference"); it != c.end() && !console_url.empty()) {
        if (const auto* ref = boost::get<std::string>(&it->second); ref && !ref->empty())
            case_link = console_url + "cases/" + *ref;
    }
    c["case_link"] = case_link;
    c["console_link"] = console_url;
    c["held_link"] = console_url.empty() ? std::string() : console_url + "held";
    return c;
}

constexpr const char* kSampleConsole = "https://casegate.example.nhs.uk/";

std::mutex g_mutex;
std::shared_ptr<const Registry> g_registry;  // null: built-in texts only

const Sources& builtin_sources() {
    static const Sources sources = [] {
        Sources out;
        for (const auto& [name, text] : kBuiltinTemplates) {
            std::string error;
            if (auto s = parse_source(text, error)) out.emplace(std::string(name), *s);
        }
        return out;
    }();
    return sources;
}

const Source* find_source(const Sources& in, std::string_view name) {
    const auto it = in.find(name);
    return it == in.end() ? nullptr : &it->second;
}

Text render_source(const Source& s, const mstch::map& context) {
    Text t{one_line(util::render(s.subject, context, util::Escape::none)),
           util::render(s.body, context, util::Escape::none)};
    while (!t.body.empty() && t.body.back() == '\n') t.body.pop_back();
    t.body += '\n';
    return t;
}

}  // namespace

Text detail::render(std::string_view name, std::string_view office, const mstch::map& context) {
    std::shared_ptr<const Registry> registry;
    {
        const std::lock_guard<std::mutex> lock(g_mutex);
        registry = g_registry;
    }
    const Source* s = nullptr;
    if (registry) {
        if (const auto it = registry->offices.find(office); it != registry->offices.end()) {
            s = find_source(it->second, name);
        }
        if (s == nullptr) s = find_source(registry->common, name);
    }
    if (s == nullptr) s = find_source(builtin_sources(), name);
    if (s == nullptr) return {std::string(name), "(no text)\n"};  // unreachable: checked by tests
    return render_source(*s, with_links(context, registry ? registry->console_url : ""));
}

// ---- checking an operator's texts ----

namespace {

constexpr std::string_view kSampleReference = "CG-2026-000042";
constexpr std::string_view kSampleOffice = "East of England";

forms::Referral sample_referral() {
    forms::Referral r;
    r.fields = {
        {"trainee_name", std::string("Dr Sample Doctor")},
        {"gmc_number", std::string("7000042")},
        {"local_office", std::string(kSampleOffice)},
        {"referrer_name", std::string("Sam Referrer")},
        {"referrer_email", std::string("sam.referrer@example.nhs.uk")},
        {"referrer_role", std::string("Educational Supervisor")},
        {"concern_route", std::string("Professional")},
        {"concern_type", std::string("Communication and team working")},
        {"incident_date", std::string("2026-03-05")},
        {"support_requested", std::vector<std::string>{"Coaching"}},
        {"details", std::string("What happened, in the referrer's words.")},
    };
    return r;
}

struct Sample {
    std::string name;
    mstch::map context;
    bool to_unverified = false;  ///< an automatic reply: must not read back as form fields
};

// Every text with sample data; each section and optional line given something, so that every
// name a text may use is in its sample.
std::vector<Sample> samples() {
    const std::string ref(kSampleReference);
    const std::string office(kSampleOffice);
    const forms::Referral r = sample_referral();
    forms::Referral incomplete = r;
    incomplete.fields.erase("concern_type");
    incomplete.missing = {"concern_type"};
    incomplete.errors = {{"gmc_number", "must be 7 digits"}};
    CaseMail mail{ref,
                  office,
                  "sam.referrer@example.nhs.uk",
                  "the referrer",
                  "A further incident happened yesterday.",
                  2,
                  true};
    TriageDigest triage{office, {ref}, {ref}, {ref}, {ref}};
    RevalDigest reval{office,
                      "2026-11-21",
                      {"7000001"},
                      {"7000002"},
                      {{"7000003", "add", "1-1RSSQ05", "refused", "90"}},
                      3,
                      1};
    CaseChange change{ref,      office,       "note added", "Cal Manager", "under_review",
                      "A note", "Cal Manager"};
    mstch::map returned = case_context(ref, office);
    returned.emplace("reason", std::string("Please send it to your own local office."));
    mstch::map named = case_context(ref, office);
    named.emplace("case_manager", std::string("Cal Manager"));
    mstch::map assigned = case_context(ref, office);
    assigned.emplace("assigned_by", std::string("Ada Admin"));
    return {
        {"acknowledgement", acknowledgement_context(ref, r, office), true},
        {"office_alert", office_alert_context(ref, r, office, true)},
        {"incomplete_reply", incomplete_context(ref, incomplete), true},
        {"follow_up_notice", case_mail_context(mail)},
        {"duplicate_notice", case_mail_context(mail)},
        {"triage_digest", triage_context(triage, 1)},
        {"command_result", command_context(ref, office, true, "accepted; told the referrer")},
        {"held_notice", held_context(ref, office, 42, "the sender is not the referrer")},
        {"reval_digest", reval_digest_context(reval, 1)},
        {"reval_feed_refused",
         feed_refused_context(office, "1-1RSSQ05", "row count fell", "2026-11-21")},
        {"oauth2_alert",
         oauth2_alert_context("nhsmail", "invalid_client: AADSTS7000215: Invalid client secret", "",
                              0)},
        {"referral_accepted", case_context(ref, office), true},
        {"referral_returned", returned, true},
        {"case_manager_named", named, true},
        {"meeting_arranged", case_context(ref, office), true},
        {"engagement_recorded", case_context(ref, office), true},
        {"case_changed", case_changed_context(change, true)},
        {"case_assigned", assigned},
        {"sign_in_link",
         sign_in_context("Ada Admin", "https://casegate.example.nhs.uk/sign-in/0123abcd", 15)},
    };
}

// What is wrong with one text, rendered from `s` with its sample.
void check_source(const Source& s, const Sample& sample, const std::string& file,
                  TemplateCheck& out) {
    const mstch::map context = with_links(sample.context, kSampleConsole);
    const auto report = [&](const std::string& what) {
        out.problems.push_back(file + ": " + what);
    };
    for (const std::string& p : util::check_template(s.subject, context))
        report("subject: " + p.substr(p.find(": ") + 2));
    for (const std::string& p : util::check_template(s.body, context)) {
        // The body starts on line 3 of the file.
        const std::size_t colon = p.find(':');
        const std::size_t line = std::stoul(p.substr(5, colon - 5)) + 2;
        report("line " + std::to_string(line) + p.substr(colon));
    }
    const Text t = render_source(s, context);
    ++out.rendered;
    if (sample.context.count("reference") != 0 &&
        t.subject.find("[" + std::string(kSampleReference) + "]") == std::string::npos) {
        report("the subject must keep [{{reference}}]: replies find their case by it");
    }
    if (sample.to_unverified) {
        const forms::RawFields raw = forms::extract_body_fields(t.body);
        if (!raw.empty()) {
            report("a line reads as the form field \"" + raw.front().first +
                   "\" (\"Label: value\"); a reply carrying this text unquoted would feed it "
                   "back in as an answer");
        }
    }
}

// Reads the operator's files of one directory into `into`; unknown names are problems.
void read_dir(const std::string& dir, Sources& into, TemplateCheck& out) {
    std::error_code ec;
    std::filesystem::directory_iterator it(dir, ec);
    if (ec) {
        out.problems.push_back(dir + ": cannot read the directory: " + ec.message());
        return;
    }
    const std::vector<std::string>& names = template_names();
    for (const auto& entry : it) {
        const std::filesystem::path& path = entry.path();
        if (path.extension() != ".txt") continue;
        const std::string file = path.string();
        const std::string name = path.stem().string();
        if (std::find(names.begin(), names.end(), name) == names.end()) {
            std::string known;
            for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
            out.problems.push_back(
                util::concat({file, ": not a text casegate sends (the texts are: ", known, ")"}));
            continue;
        }
        std::ifstream in(path, std::ios::binary);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (!in.good() && !in.eof()) {
            out.problems.push_back(file + ": cannot read");
            continue;
        }
        ++out.files;
        if (text.size() > kMaxTemplateBytes) {
            out.problems.push_back(file + ": longer than " + std::to_string(kMaxTemplateBytes) +
                                   " bytes");
            continue;
        }
        std::string error;
        if (auto s = parse_source(text, error)) {
            into.emplace(name, *s);
        } else {
            out.problems.push_back(util::concat({file, ": ", error}));
        }
    }
}

TemplateCheck check(const TemplateDirs& dirs, Registry& registry) {
    TemplateCheck out;
    registry.console_url = dirs.console_url;
    if (!dirs.dir.empty()) read_dir(dirs.dir, registry.common, out);
    for (const auto& [office, dir] : dirs.offices) {
        if (!dir.empty()) read_dir(dir, registry.offices[office], out);
    }
    const std::vector<Sample> all = samples();
    for (const Sample& sample : all) {
        const Source* builtin = find_source(builtin_sources(), sample.name);
        if (builtin == nullptr) {
            out.problems.push_back("(built in) " + sample.name + ".txt: missing");
            continue;
        }
        check_source(*builtin, sample, "(built in) " + sample.name + ".txt", out);
        if (const Source* s = find_source(registry.common, sample.name)) {
            check_source(*s, sample, dirs.dir + "/" + sample.name + ".txt", out);
        }
        for (const auto& [office, dir] : dirs.offices) {
            const auto it = registry.offices.find(office);
            if (it == registry.offices.end()) continue;
            if (const Source* s = find_source(it->second, sample.name)) {
                check_source(*s, sample, dir + "/" + sample.name + ".txt", out);
            }
        }
    }
    return out;
}

}  // namespace

const std::vector<std::string>& template_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& [name, text] : kBuiltinTemplates) out.emplace_back(name);
        return out;
    }();
    return names;
}

std::string_view builtin_template(std::string_view name) {
    for (const auto& [n, text] : kBuiltinTemplates) {
        if (n == name) return text;
    }
    return {};
}

TemplateCheck check_templates(const TemplateDirs& dirs) {
    Registry registry;
    return check(dirs, registry);
}

TemplateCheck use_templates(const TemplateDirs& dirs) {
    auto registry = std::make_shared<Registry>();
    TemplateCheck out = check(dirs, *registry);
    if (out.problems.empty()) {
        const std::lock_guard<std::mutex> lock(g_mutex);
        g_registry = std::move(registry);
    }
    return out;
}

}  // namespace casegate::notifier
