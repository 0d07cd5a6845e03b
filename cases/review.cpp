#include "cases/review.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>
#include <stdexcept>

#include "cases/outgoing.hpp"
#include "cases/service.hpp"
#include "storage/cases.hpp"

namespace casegate::cases {

namespace {

const char* const kUsage =
    "usage: casegate review list [--json] --as EMAIL [--config FILE]\n"
    "       casegate review attach ITEM REF --as EMAIL [--config FILE]\n"
    "       casegate review dismiss ITEM [--reason TEXT] --as EMAIL [--config FILE]\n"
    "       casegate review rerun ITEM --as EMAIL [--config FILE]\n";

Staff admin_of(const common::Config& cfg, std::string_view email) {
    const std::optional<Staff> s = find_staff(cfg, email);
    if (!s || s->role != workflow::Role::admin) {
        throw std::invalid_argument("'" + std::string(email) +
                                    "' is not an admin in the configuration");
    }
    return *s;
}

std::vector<HeldItem> all_held(storage::Db& db, const common::Config& cfg) {
    const storage::Result r = db.exec(
        "SELECT i.id, to_char(i.received_at, 'YYYY-MM-DD HH24:MI'), coalesce(i.from_address, ''),"
        " coalesce(i.reason, ''), coalesce(i.thread_reference, ''), coalesce(c.local_office, '')"
        " FROM inbound_items i LEFT JOIN cases c ON c.reference = i.thread_reference"
        " WHERE i.state = 'held' ORDER BY i.id");
    std::vector<HeldItem> out;
    for (int i = 0; i < r.rows(); ++i) {
        HeldItem h{r.int64(i, 0), r.text(i, 1), r.text(i, 2),
                   r.text(i, 3),  r.text(i, 4), r.text(i, 5)};
        if (h.office.empty()) h.office = cfg.default_office;
        out.push_back(std::move(h));
    }
    return out;
}

std::optional<HeldItem> held_for(storage::Db& db, const common::Config& cfg, const Staff& admin,
                                 std::int64_t item) {
    for (HeldItem& h : all_held(db, cfg)) {
        if (h.id == item && h.office == admin.office) return h;
    }
    return std::nullopt;
}

}  // namespace

std::vector<HeldItem> held_items(storage::Db& db, const common::Config& cfg,
                                 std::string_view admin_email) {
    const Staff admin = admin_of(cfg, admin_email);
    std::vector<HeldItem> out = all_held(db, cfg);
    std::erase_if(out, [&](const HeldItem& h) { return h.office != admin.office; });
    return out;
}

std::string release_held(storage::Db& db, const common::Config& cfg, std::string_view admin_email,
                         std::int64_t item, const std::string& reference) {
    const Staff admin = admin_of(cfg, admin_email);
    storage::Transaction tx(db);
    if (!held_for(db, cfg, admin, item)) return "no such held item";
    const storage::Result c = db.exec(
        "SELECT coalesce(c.local_office, '') FROM submissions s LEFT JOIN cases c ON c.id = "
        "s.case_id"
        " WHERE s.reference = $1",
        {reference});
    if (c.rows() == 0 || (!c.text(0, 0).empty() && c.text(0, 0) != admin.office)) {
        return "no such case";
    }
    db.exec(
        "UPDATE inbound_items SET state = 'received', released_by = $2, thread_reference = $3,"
        " next_attempt_at = now(), processed_at = NULL WHERE id = $1 AND state = 'held'",
        {item, admin.email, reference});
    storage::audit(db, admin.email, "review.attach", std::nullopt, std::nullopt,
                   nlohmann::json{{"item", item}, {"reference", reference}}.dump());
    tx.commit();
    return {};
}

std::string dismiss_held(storage::Db& db, const common::Config& cfg, std::string_view admin_email,
                         std::int64_t item, const std::string& reason) {
    const Staff admin = admin_of(cfg, admin_email);
    storage::Transaction tx(db);
    if (!held_for(db, cfg, admin, item)) return "no such held item";
    db.exec("UPDATE inbound_items SET state = 'set_aside', reason = $2 WHERE id = $1",
            {item, "dismissed by " + admin.email + (reason.empty() ? "" : ": " + reason)});
    storage::audit(db, admin.email, "review.dismiss", std::nullopt, std::nullopt,
                   nlohmann::json{{"item", item}, {"reason", reason}}.dump());
    tx.commit();
    return {};
}

std::vector<SetAsideItem> set_aside_items(storage::Db& db, const common::Config& cfg,
                                          std::string_view admin_email, int limit) {
    const Staff admin = admin_of(cfg, admin_email);
    std::vector<SetAsideItem> out;
    if (admin.office != cfg.default_office) return out;
    const storage::Result r = db.exec(
        "SELECT id, to_char(received_at, 'YYYY-MM-DD HH24:MI'), source,"
        " coalesce(from_address, ''), state, coalesce(reason, '')"
        " FROM inbound_items WHERE state IN ('set_aside', 'quarantined')"
        " ORDER BY id DESC LIMIT $1",
        {limit});
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back(
            {r.int64(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5)});
    }
    return out;
}

std::string rerun_item(storage::Db& db, const common::Config& cfg, std::string_view admin_email,
                       std::int64_t item) {
    const Staff admin = admin_of(cfg, admin_email);
    if (admin.office != cfg.default_office) return "no such item";
    storage::Transaction tx(db);
    const storage::Result r = db.exec(
        "UPDATE inbound_items SET state = 'received', attempts = 0, next_attempt_at = now(),"
        " processed_at = NULL, claimed_by = NULL, claimed_until = NULL"
        " WHERE id = $1 AND state IN ('set_aside', 'quarantined') RETURNING state",
        {item});
    if (r.rows() == 0) return "no such item";
    storage::audit(db, admin.email, "review.rerun", std::nullopt, std::nullopt,
                   nlohmann::json{{"item", item}}.dump());
    tx.commit();
    return {};
}

int review_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::string sub = args.empty() ? "" : args[0];
    std::string config = common::kDefaultConfigPath;
    std::string as;
    std::string reason;
    bool json = false;
    std::vector<std::string> words;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        const bool has_value = i + 1 < args.size();
        if (a == "--as" && has_value) {
            as = args[++i];
        } else if (a == "--config" && has_value) {
            config = args[++i];
        } else if (a == "--reason" && has_value && sub == "dismiss") {
            reason = args[++i];
        } else if (a == "--json" && sub == "list") {
            json = true;
        } else if (a.starts_with("--")) {
            err << "casegate review: unknown option '" << a << "'\n" << kUsage;
            return 2;
        } else {
            words.push_back(a);
        }
    }
    const std::size_t wanted = sub == "list"                        ? 0
                               : sub == "attach"                    ? 2
                               : sub == "dismiss" || sub == "rerun" ? 1
                                                                    : 99;
    if (wanted == 99 || words.size() != wanted || as.empty()) {
        err << "casegate review: "
            << (wanted == 99 ? "a subcommand list, attach, dismiss or rerun is required"
                : as.empty() ? "--as EMAIL is required"
                             : "wrong number of arguments")
            << "\n"
            << kUsage;
        return 2;
    }
    std::int64_t item = 0;
    if (!words.empty()) {
        try {
            item = std::stoll(words[0]);
        } catch (const std::exception&) {
            err << "casegate review: ITEM must be an inbound item number\n" << kUsage;
            return 2;
        }
    }
    try {
        const common::Config cfg = common::load_config(config);
        use_texts(cfg);
        storage::Db db(cfg.database_conninfo);
        if (sub == "list") {
            for (const HeldItem& h : held_items(db, cfg, as)) {
                if (json) {
                    out << nlohmann::json{{"item", h.id},
                                          {"received_at", h.received_at},
                                          {"from", h.from_address},
                                          {"reason", h.reason},
                                          {"reference", h.reference},
                                          {"office", h.office}}
                               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                        << "\n";
                } else {
                    out << h.id << "  " << h.received_at << "  " << h.from_address << "  "
                        << (h.reference.empty() ? "-" : h.reference) << "  " << h.reason << "\n";
                }
            }
            return 0;
        }
        const std::string why = sub == "attach"  ? release_held(db, cfg, as, item, words[1])
                                : sub == "rerun" ? rerun_item(db, cfg, as, item)
                                                 : dismiss_held(db, cfg, as, item, reason);
        if (!why.empty()) {
            err << "casegate review " << sub << ": " << why << "\n";
            return 1;
        }
        if (sub == "attach") {
            out << "released item " << item << " onto " << words[1]
                << "; the daemon adds it to the case at its next turn\n";
        } else if (sub == "rerun") {
            out << "item " << item << " is due again; the daemon processes it at its next turn\n";
        } else {
            out << "dismissed item " << item << "\n";
        }
        return 0;
    } catch (const std::invalid_argument& e) {
        err << "casegate review " << sub << ": " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        err << "casegate review " << sub << ": " << e.what() << "\n";
        return 3;
    }
}

}  // namespace casegate::cases
