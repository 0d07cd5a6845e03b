#include "cases/outgoing.hpp"

#include <ctime>
#include <vector>

#include "cases/service.hpp"
#include "workflow/threading.hpp"

namespace casegate::cases {

namespace {

std::string domain_of(const std::string& address) {
    const auto at = address.rfind('@');
    return at == std::string::npos ? std::string() : address.substr(at + 1);
}

}  // namespace

namespace {

// The outbox rows of `n`, appended to `out`.
void compose_rows(const common::Config& cfg, notifier::Notification n, const std::string& reference,
                  std::vector<storage::OutboxMessage>& out) {
    if (n.to.empty()) return;
    const notifier::Identity from{cfg.smtp.from, cfg.smtp.from_name};
    const std::string& key = cfg.threading.key;
    if (key.empty() || !workflow::is_reference(reference)) {
        out.push_back(notifier::compose(from, n));
        return;
    }
    const std::string domain = domain_of(cfg.smtp.from);
    const std::int64_t expiry =
        workflow::epoch_day(static_cast<std::int64_t>(std::time(nullptr))) + kReplyTokenDays;
    std::vector<std::string> others;
    for (const std::string& to : n.to) {
        if (!find_staff(cfg, to)) {
            others.push_back(to);
            continue;
        }
        notifier::Notification mine = n;
        mine.to = {to};
        mine.message_id = workflow::signed_message_id(reference, domain, key);
        mine.reply_to = workflow::tagged_address(cfg.smtp.from,
                                                 workflow::reply_tag(reference, to, expiry, key));
        out.push_back(notifier::compose(from, mine));
    }
    if (!others.empty()) {
        n.to = others;
        n.message_id = workflow::signed_message_id(reference, domain, key);
        out.push_back(notifier::compose(from, n));
    }
}

}  // namespace

int send(storage::Db& db, const common::Config& cfg, notifier::Notification n,
         const std::string& reference) {
    std::vector<notifier::Notification> one;
    one.push_back(std::move(n));
    return send(db, cfg, std::move(one), reference);
}

int send(storage::Db& db, const common::Config& cfg, std::vector<notifier::Notification> ns,
         const std::string& reference) {
    std::vector<storage::OutboxMessage> rows;
    for (notifier::Notification& n : ns) compose_rows(cfg, std::move(n), reference, rows);
    storage::enqueue(db, rows);
    return static_cast<int>(rows.size());
}

notifier::TemplateDirs template_dirs(const common::Config& cfg) {
    notifier::TemplateDirs dirs;
    dirs.dir = cfg.templates_dir;
    for (const common::OfficeConfig& o : cfg.offices) {
        if (!o.templates_dir.empty()) dirs.offices.emplace_back(o.name, o.templates_dir);
    }
    dirs.console_url = cfg.console.base_url;
    if (!dirs.console_url.empty() && dirs.console_url.back() != '/') dirs.console_url += '/';
    return dirs;
}

namespace {

std::string problems_text(const notifier::TemplateCheck& c) {
    std::string out = "the notification texts have " + std::to_string(c.problems.size()) +
                      (c.problems.size() == 1 ? " problem:" : " problems:");
    for (const std::string& p : c.problems) out += "\n  " + p;
    return out;
}

}  // namespace

void use_texts(const common::Config& cfg) {
    const notifier::TemplateCheck c = notifier::use_templates(template_dirs(cfg));
    if (!c.problems.empty()) throw common::ConfigError(problems_text(c));
}

std::string check_texts(const common::Config& cfg) {
    const notifier::TemplateCheck c = notifier::check_templates(template_dirs(cfg));
    if (!c.problems.empty()) throw common::ConfigError(problems_text(c));
    return "texts: " + std::to_string(c.rendered) + " rendered with sample data, " +
           std::to_string(c.files) + (c.files == 1 ? " file" : " files") + " of the operator's";
}

}  // namespace casegate::cases
