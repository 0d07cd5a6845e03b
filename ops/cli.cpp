#include <iomanip>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "cases/review.hpp"
#include "cases/service.hpp"
#include "common/config.hpp"
#include "ops/ops.hpp"
#include "storage/cases.hpp"
#include "storage/operations.hpp"

namespace casegate::ops {

namespace {

using json = nlohmann::ordered_json;

constexpr int kOk = 0;
constexpr int kRefused = 1;
constexpr int kUsage = 2;
constexpr int kFailed = 3;

const char* const kItemsUsage =
    "usage: casegate items list [--state set_aside|quarantined|duplicate|held] [--limit N]\n"
    "                           [--json] --as EMAIL [--config FILE]\n"
    "       casegate items show ITEM [--raw] --as EMAIL [--config FILE]\n"
    "       casegate items retry ITEM --as EMAIL [--config FILE]     set aside or quarantined:\n"
    "                                                   process again (after fixing a cause)\n"
    "       casegate items release ITEM --as EMAIL [--config FILE]   a duplicate: process it as\n"
    "                                                   a message of its own\n";
const char* const kOutboxUsage =
    "usage: casegate outbox list [--state pending|failed|sent] [--limit N] [--json]\n"
    "                            --as EMAIL [--config FILE]\n"
    "       casegate outbox resend ID --as EMAIL [--config FILE]   a failed notification\n";
const char* const kStatusUsage = "usage: casegate status [--json] [--config FILE]\n";

// The words and options of one command line.
struct Args {
    std::string sub;
    std::vector<std::string> words;
    std::string config = common::kDefaultConfigPath;
    std::string as, state;
    int limit = 100;
    bool json = false, raw = false;
};

// Parses `args` (after the command); "" when fine, else what is wrong.
std::string parse(const std::vector<std::string>& args, bool has_sub, Args& a) {
    std::size_t i = 0;
    if (has_sub) {
        if (args.empty()) return "a subcommand is needed";
        a.sub = args[0];
        i = 1;
    }
    for (; i < args.size(); ++i) {
        const std::string& w = args[i];
        const bool value = i + 1 < args.size();
        if (w == "--config" && value) {
            a.config = args[++i];
        } else if (w == "--as" && value) {
            a.as = args[++i];
        } else if (w == "--state" && value) {
            a.state = args[++i];
        } else if (w == "--limit" && value) {
            const std::string& n = args[++i];
            a.limit = n.find_first_not_of("0123456789") == std::string::npos && !n.empty() &&
                              n.size() < 7
                          ? std::stoi(n)
                          : 0;
            if (a.limit < 1) return "--limit: a number from 1 to 999999";
        } else if (w == "--json") {
            a.json = true;
        } else if (w == "--raw") {
            a.raw = true;
        } else if (w.starts_with("--")) {
            return "unknown option '" + w + "'";
        } else {
            a.words.push_back(w);
        }
    }
    return {};
}

std::optional<std::int64_t> id_of(const std::string& s) {
    if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    return std::stoll(s);
}

// Items and notifications name no office, so they are the default office's admins' (as in the
// console's "held for review" page). The member's email as configured (for the audit log), or
// "" with `why` set.
std::string admin_for(const common::Config& cfg, const std::string& as, std::string& why) {
    if (as.empty()) {
        why = "--as EMAIL is needed (an admin of the default office)";
        return {};
    }
    const std::optional<cases::Staff> s = cases::find_staff(cfg, as);
    if (!s || s->role != workflow::Role::admin || s->office != cfg.default_office) {
        why = "'" + as + "' is not an admin of the default office (" + cfg.default_office + ")";
        return {};
    }
    return s->email;
}

std::string minutes(double seconds) {
    if (seconds < 0) return "never";
    std::ostringstream o;
    if (seconds < 120) {
        o << static_cast<long>(seconds) << " s";
    } else if (seconds < 7200) {
        o << static_cast<long>(seconds / 60) << " min";
    } else {
        o << std::fixed << std::setprecision(1) << seconds / 3600 << " h";
    }
    return o.str();
}

json item_json(const storage::ItemRow& i) {
    json j = {{"id", i.id},          {"source", i.source},       {"kind", i.source_kind},
              {"state", i.state},    {"verdict", i.verdict},     {"reason", i.reason},
              {"received_at", i.received_at}, {"processed_at", i.processed_at},
              {"size", i.size},      {"truncated", i.truncated}, {"attempts", i.attempts},
              {"message_id", i.message_id}, {"from", i.from_address}};
    j["duplicate_of"] = i.duplicate_of ? json(*i.duplicate_of) : json(nullptr);
    j["thread_reference"] = i.thread_reference;
    j["released_by"] = i.released_by;
    return j;
}

// Runs `body` with the configuration and a connection; configuration and database failures
// become exit code 3 with the reason.
template <typename F>
int with_database(const std::string& command, const Args& a, std::ostream& err, F&& body) {
    try {
        const common::Config cfg = common::load_config(a.config);
        storage::Db db(cfg.database_conninfo);
        return body(cfg, db);
    } catch (const common::ConfigError& e) {
        err << "casegate " << command << ": bad configuration: " << e.what() << "\n";
    } catch (const storage::DbError& e) {
        err << "casegate " << command << ": database: " << e.what() << "\n";
    }
    return kFailed;
}

int items_list(const Args& a, const std::string& admin, storage::Db& db, std::ostream& out) {
    std::vector<std::string> states = {"set_aside", "quarantined", "duplicate", "held"};
    if (!a.state.empty()) states = {a.state};
    const std::vector<storage::ItemRow> rows = storage::list_items(db, states, a.limit);
    storage::audit(db, admin, "items.listed", std::nullopt, std::nullopt,
                   json{{"states", states}, {"rows", rows.size()}}.dump());
    if (a.json) {
        json list = json::array();
        for (const auto& r : rows) list.push_back(item_json(r));
        out << list.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
        return kOk;
    }
    if (rows.empty()) {
        out << "no items\n";
        return kOk;
    }
    out << std::left << std::setw(8) << "ITEM" << std::setw(20) << "RECEIVED (UTC)"
        << std::setw(13) << "STATE" << std::setw(14) << "SOURCE" << "REASON\n";
    for (const auto& r : rows) {
        std::string reason = r.reason;
        if (reason.size() > 90) reason = reason.substr(0, 87) + "...";
        out << std::left << std::setw(8) << r.id << std::setw(20) << r.received_at
            << std::setw(13) << r.state << std::setw(14) << r.source << reason << "\n";
    }
    return kOk;
}

int items_show(const Args& a, const std::string& admin, std::int64_t id, storage::Db& db,
               std::ostream& out, std::ostream& err) {
    const std::optional<storage::ItemRow> row = storage::find_item(db, id);
    if (!row) {
        err << "casegate items show: no such item " << id << "\n";
        return kRefused;
    }
    storage::audit(db, admin, a.raw ? "items.raw_viewed" : "items.viewed", std::nullopt,
                   std::nullopt, json{{"item", id}}.dump());
    if (a.raw) {
        out << storage::item_raw(db, id);
        return kOk;
    }
    if (a.json) {
        out << item_json(*row).dump(2, ' ', false, json::error_handler_t::replace) << "\n";
        return kOk;
    }
    const auto line = [&out](const char* label, const std::string& value) {
        if (!value.empty()) out << std::left << std::setw(15) << label << value << "\n";
    };
    line("item", std::to_string(row->id));
    line("source", row->source + " (" + row->source_kind + ")");
    line("received", row->received_at + " UTC");
    line("state", row->state);
    line("verdict", row->verdict);
    line("reason", row->reason);
    line("processed", row->processed_at.empty() ? "" : row->processed_at + " UTC");
    line("size", std::to_string(row->size) + " bytes" + (row->truncated ? " (kept in part)" : ""));
    line("attempts", std::to_string(row->attempts));
    line("message-id", row->message_id);
    line("from", row->from_address);
    line("duplicate of", row->duplicate_of ? std::to_string(*row->duplicate_of) : "");
    line("names", row->thread_reference);
    line("released by", row->released_by);
    if (row->state == "set_aside" || row->state == "quarantined")
        out << "\ncasegate items retry " << id << " --as EMAIL   processes it again\n";
    if (row->state == "duplicate")
        out << "\ncasegate items release " << id << " --as EMAIL   processes it as its own\n";
    return kOk;
}

}  // namespace

int items_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    Args a;
    if (std::string bad = parse(args, true, a); !bad.empty()) {
        err << "casegate items: " << bad << "\n" << kItemsUsage;
        return kUsage;
    }
    const bool listing = a.sub == "list";
    const bool one = a.sub == "show" || a.sub == "retry" || a.sub == "release";
    if ((!listing && !one) || (listing && !a.words.empty()) || (one && a.words.size() != 1)) {
        err << kItemsUsage;
        return kUsage;
    }
    if (!a.state.empty() && a.state != "set_aside" && a.state != "quarantined" &&
        a.state != "duplicate" && a.state != "held") {
        err << "casegate items: --state: set_aside, quarantined, duplicate or held\n";
        return kUsage;
    }
    std::int64_t id = 0;
    if (one) {
        const std::optional<std::int64_t> given = id_of(a.words[0]);
        if (!given) {
            err << "casegate items " << a.sub << ": ITEM is a number (from `casegate items list`)\n";
            return kUsage;
        }
        id = *given;
    }
    return with_database("items", a, err, [&](const common::Config& cfg, storage::Db& db) {
        std::string why;
        const std::string admin = admin_for(cfg, a.as, why);
        if (admin.empty()) {
            err << "casegate items " << a.sub << ": " << why << "\n";
            return kRefused;
        }
        if (listing) return items_list(a, admin, db, out);
        if (a.sub == "show") return items_show(a, admin, id, db, out, err);
        if (a.sub == "retry") {
            // The same change as the console's "process again" and `review rerun`.
            const std::string refused = cases::rerun_item(db, cfg, admin, id);
            if (!refused.empty()) {
                err << "casegate items retry: " << refused << " (only set-aside or quarantined items)\n";
                return kRefused;
            }
            out << "item " << id << " is due again; the daemon processes it at its next turn\n";
            return kOk;
        }
        storage::Transaction tx(db);
        if (!storage::release_duplicate(db, id, admin)) {
            err << "casegate items release: no duplicate item " << id << "\n";
            return kRefused;
        }
        storage::audit(db, admin, "items.released", std::nullopt, std::nullopt,
                       json{{"item", id}}.dump());
        tx.commit();
        out << "item " << id
            << " is due again as a message of its own; the daemon processes it at its next turn\n";
        return kOk;
    });
}

int outbox_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    Args a;
    if (std::string bad = parse(args, true, a); !bad.empty()) {
        err << "casegate outbox: " << bad << "\n" << kOutboxUsage;
        return kUsage;
    }
    const bool listing = a.sub == "list" && a.words.empty();
    const bool resend = a.sub == "resend" && a.words.size() == 1;
    if (!listing && !resend) {
        err << kOutboxUsage;
        return kUsage;
    }
    if (!a.state.empty() && a.state != "pending" && a.state != "failed" && a.state != "sent") {
        err << "casegate outbox: --state: pending, failed or sent\n";
        return kUsage;
    }
    std::int64_t id = 0;
    if (resend) {
        const std::optional<std::int64_t> given = id_of(a.words[0]);
        if (!given) {
            err << "casegate outbox resend: ID is a number (from `casegate outbox list`)\n";
            return kUsage;
        }
        id = *given;
    }
    return with_database("outbox", a, err, [&](const common::Config& cfg, storage::Db& db) {
        std::string why;
        const std::string admin = admin_for(cfg, a.as, why);
        if (admin.empty()) {
            err << "casegate outbox " << a.sub << ": " << why << "\n";
            return kRefused;
        }
        if (resend) {
            storage::Transaction tx(db);
            if (!storage::resend_outbox(db, id)) {
                err << "casegate outbox resend: no failed notification " << id << "\n";
                return kRefused;
            }
            storage::audit(db, admin, "outbox.resent", std::nullopt, std::nullopt,
                           json{{"outbox", id}}.dump());
            tx.commit();
            out << "notification " << id << " is pending again; the daemon sends it at its next turn\n";
            return kOk;
        }
        const std::vector<storage::OutboxRow> rows = storage::list_outbox(db, a.state, a.limit);
        storage::audit(db, admin, "outbox.listed", std::nullopt, std::nullopt,
                       json{{"state", a.state}, {"rows", rows.size()}}.dump());
        if (a.json) {
            json list = json::array();
            for (const auto& r : rows) {
                list.push_back({{"id", r.id}, {"kind", r.kind}, {"state", r.state},
                                {"reference", r.reference}, {"recipients", r.recipients},
                                {"attempts", r.attempts}, {"last_error", r.last_error},
                                {"created_at", r.created_at}, {"next_attempt_at", r.next_attempt_at},
                                {"sent_at", r.sent_at}});
            }
            out << list.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
            return kOk;
        }
        if (rows.empty()) {
            out << "no notifications\n";
            return kOk;
        }
        out << std::left << std::setw(8) << "ID" << std::setw(20) << "CREATED (UTC)" << std::setw(9)
            << "STATE" << std::setw(22) << "KIND" << std::setw(17) << "REFERENCE"
            << "TO / LAST ERROR\n";
        for (const auto& r : rows) {
            std::string to;
            for (const auto& rcpt : r.recipients) to += (to.empty() ? "" : ", ") + rcpt;
            out << std::left << std::setw(8) << r.id << std::setw(20) << r.created_at
                << std::setw(9) << r.state << std::setw(22) << r.kind << std::setw(17)
                << (r.reference.empty() ? "-" : r.reference) << to << "\n";
            if (!r.last_error.empty())
                out << std::string(76, ' ') << "attempt " << r.attempts << ": " << r.last_error
                    << "\n";
        }
        return kOk;
    });
}

int status_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    Args a;
    if (std::string bad = parse(args, false, a); !bad.empty() || !a.words.empty() ||
                                                 !a.as.empty() || !a.state.empty() || a.raw) {
        err << (bad.empty() ? "" : "casegate status: " + bad + "\n") << kStatusUsage;
        return kUsage;
    }
    return with_database("status", a, err, [&](const common::Config& cfg, storage::Db& db) {
        const storage::StatusFigures f = storage::status_figures(db);
        // Every configured source, polled or not yet.
        std::vector<std::string> sources;
        for (const auto& m : cfg.mailboxes) sources.push_back(m.name);
        for (const auto& e : cfg.form_endpoints) sources.push_back(e.name);
        const auto poll_of = [&f](const std::string& name) -> const storage::SourcePoll* {
            for (const auto& p : f.polls)
                if (p.source == name) return &p;
            return nullptr;
        };
        if (a.json) {
            json polls = json::array();
            for (const std::string& s : sources) {
                const storage::SourcePoll* p = poll_of(s);
                polls.push_back({{"source", s},
                                 {"last_poll_at", p ? p->last_poll_at : ""},
                                 {"last_success_at", p ? p->last_success_at : ""},
                                 {"seconds_since_success", p ? p->seconds_since_success : -1},
                                 {"last_error", p ? p->last_error : ""},
                                 {"last_error_at", p ? p->last_error_at : ""},
                                 {"stored_total", p ? p->stored_total : 0}});
            }
            const json j = {
                {"sources", polls},
                {"items",
                 {{"backlog", f.backlog},
                  {"oldest_backlog_seconds", f.oldest_backlog_seconds},
                  {"set_aside", f.set_aside},
                  {"quarantined", f.quarantined},
                  {"held", f.held},
                  {"duplicates", f.duplicates}}},
                {"submissions_incomplete", f.incomplete},
                {"cases", {{"open", f.cases_open}, {"created_today", f.cases_today}}},
                {"outbox",
                 {{"pending", f.outbox_pending},
                  {"failed", f.outbox_failed},
                  {"oldest_pending_seconds", f.oldest_pending_seconds}}},
                {"revalidation",
                 {{"last_success_at", f.reval_last_success_at},
                  {"last_error", f.reval_last_error},
                  {"next_run_at", f.reval_next_run_at}}}};
            out << j.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
            return kOk;
        }
        out << "sources (last successful poll, UTC):\n";
        for (const std::string& s : sources) {
            const storage::SourcePoll* p = poll_of(s);
            out << "  " << std::left << std::setw(20) << s;
            if (!p) {
                out << "not polled yet\n";
                continue;
            }
            out << (p->last_success_at.empty() ? "never" : p->last_success_at) << " ("
                << minutes(p->seconds_since_success) << " ago), " << p->stored_total
                << (p->stored_total == 1 ? " item" : " items") << " stored\n";
            if (!p->last_error.empty() && p->last_error_at >= p->last_success_at)
                out << "  " << std::string(20, ' ') << "failing since " << p->last_error_at
                    << ": " << p->last_error << "\n";
        }
        out << "items:    " << f.backlog << " waiting"
            << (f.backlog ? " (oldest " + minutes(f.oldest_backlog_seconds) + ")" : "") << ", "
            << f.set_aside << " set aside, " << f.quarantined << " quarantined, " << f.held
            << " held for review, " << f.duplicates << " duplicates\n";
        out << "cases:    " << f.cases_open << " open, " << f.cases_today << " created today; "
            << f.incomplete << " incomplete submissions\n";
        out << "outbox:   " << f.outbox_pending << " pending"
            << (f.outbox_pending ? " (oldest " + minutes(f.oldest_pending_seconds) + ")" : "")
            << ", " << f.outbox_failed << " failed\n";
        if (cfg.revalidation.enabled) {
            out << "revalidation: last success "
                << (f.reval_last_success_at.empty() ? "never" : f.reval_last_success_at)
                << ", next run " << f.reval_next_run_at
                << (f.reval_last_error.empty() ? "" : "; last error: " + f.reval_last_error)
                << "\n";
        } else {
            out << "revalidation: not configured\n";
        }
        return kOk;
    });
}

}  // namespace casegate::ops
