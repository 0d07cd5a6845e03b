#include "cases/digest.hpp"

#include <array>
#include <ctime>

#include "notifier/compose.hpp"
#include "notifier/templates.hpp"
#include "storage/coordination.hpp"
#include "storage/outbox.hpp"
#include "storage/triage.hpp"

namespace casegate::cases {

namespace {

constexpr const char* kSchedule = "triage_digest";
// A little under a week, so that the day and the hour decide, not the minute of last week's run.
constexpr int kIntervalSeconds = 6 * 86400 + 12 * 3600;

bool is_digest_time(const std::string& day) {
    static constexpr std::array<const char*, 7> kDays = {
        "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    return day == kDays.at(static_cast<std::size_t>(local.tm_wday)) && local.tm_hour >= 8;
}

}  // namespace

int send_triage_digests(storage::Db& db, const common::Config& cfg, bool force) {
    if (cfg.triage_digest_day == "off" && !force) return 0;
    if (!force && !is_digest_time(cfg.triage_digest_day)) return 0;
    const storage::Result last = db.exec(
        "SELECT coalesce(last_success_at::text, '') FROM schedules WHERE name = $1", {kSchedule});
    const std::string since = last.rows() ? last.text(0, 0) : std::string();
    if (!storage::claim_schedule(db, kSchedule, kIntervalSeconds, force)) return 0;
    int sent = 0;
    storage::Transaction tx(db);
    for (const common::OfficeConfig& office : cfg.offices) {
        const storage::TriageFigures f = storage::triage_figures(db, office.name, since);
        notifier::Notification n;
        n.kind = "triage_digest";
        n.text = notifier::triage_digest(
            {office.name, f.new_cases, f.awaiting_triage, f.with_follow_ups, f.no_case_manager});
        n.to = office.admin_emails;
        storage::enqueue(db, notifier::compose({cfg.smtp.from, cfg.smtp.from_name}, n));
        ++sent;
    }
    tx.commit();
    storage::schedule_succeeded(db, kSchedule);
    return sent;
}

}  // namespace casegate::cases
