// IMAP via libcurl. State is kept in PostgreSQL by (mailbox, UIDVALIDITY, UID), not in \Seen
// (the URL fetch sets \Seen). A UIDVALIDITY change makes every message look new; the copies
// are then recognised at processing time by their bytes or Message-ID + sender.
//
// SECURITY: server replies are untrusted text; only numbers are taken from them.
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <regex>
#include <sstream>

#include "common/log.hpp"
#include "common/watchdog.hpp"
#include "daemon/sources.hpp"
#include "net/curl.hpp"
#include "storage/inbound.hpp"
#include "util/strings.hpp"

namespace casegate::daemon {

namespace {

std::string quote_mailbox(const std::string& name) {
    std::string out = "\"";
    for (char c : name) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

class ImapSource : public Source {
    // Stored messages are moved to the processed folder in batches after their commits. A
    // server's cost per MOVE grows with the folder (Dovecot rescans and rewrites its index), so
    // batches are large: with 50 per MOVE a 5,000-message backlog polled seven times slower
    // than with one MOVE. A message stored but not yet moved when the daemon stops is known by
    // its key and only moved on the next poll.
    static constexpr std::size_t kMoveBatch = 5000;

  public:
    ImapSource(const common::MailboxConfig& m, const common::Limits& l,
               std::shared_ptr<OAuth2Client> oauth2)
        : cfg_(m), limits_(l), oauth2_(std::move(oauth2)) {}

    const std::string& name() const override { return cfg_.name; }
    int poll_interval() const override { return cfg_.poll_interval; }

    PollStats poll(storage::Db& db, const std::atomic<bool>& stop,
                   const StoredFn& on_stored) override {
        // A fresh connection per poll: a session kept open between polls has a stale view of
        // the folder (new messages are announced to it only after a command) and servers drop
        // idle connections anyway. One login per poll interval costs nothing.
        std::unique_ptr<net::Session> connected;
        const auto [uidvalidity, messages] = sign_in(connected);
        net::Session& session = *connected;
        PollStats stats;
        if (last_uidvalidity_ != 0 && uidvalidity != last_uidvalidity_) {
            common::logger("imap")->warn("uidvalidity changed mailbox={} old={} new={}", cfg_.name,
                                         last_uidvalidity_, uidvalidity);
        }
        last_uidvalidity_ = uidvalidity;
        const std::map<std::int64_t, std::int64_t> sizes = list_messages(session, messages);
        std::vector<std::string> keys;
        keys.reserve(sizes.size());
        for (const auto& [uid, size] : sizes) keys.push_back(key(uidvalidity, uid));
        const std::set<std::string> stored = storage::stored_keys(db, cfg_.name, keys);

        // Moves go in batches (kMoveBatch), each after all of its messages are committed; new
        // messages are committed in groups (sources.hpp).
        std::vector<std::int64_t> to_move;
        const auto flush = [&] {
            if (to_move.empty()) return;
            // A set in any order will do; ascending keeps runs as ranges.
            std::sort(to_move.begin(), to_move.end());
            move(session, to_move);
            stats.acknowledged += static_cast<int>(to_move.size());
            to_move.clear();
        };
        StoreGroup group(
            db, "imap", stats,
            [&](const std::vector<storage::NewInboundItem>& items) {
                for (const auto& item : items) to_move.push_back(*item.uid);
            },
            on_stored);
        for (const auto& [uid, size] : sizes) {
            if (stop) break;
            common::watchdog_ping();
            if (stored.count(key(uidvalidity, uid))) {
                to_move.push_back(uid);
            } else {
                group.add(fetch(session, uidvalidity, uid, size, stats));
            }
            if (to_move.size() >= kMoveBatch) flush();
        }
        group.commit();
        flush();
        return stats;
    }

  private:
    // The server refused casegate's sign-in (CURLE_LOGIN_DENIED).
    static constexpr int kLoginDenied = 67;

    net::Options options() const {
        net::Options o;
        o.url = cfg_.url;
        o.user = cfg_.user;
        o.password = cfg_.password;
        o.oauth2_token = oauth2_ ? oauth2_->token() : cfg_.oauth2_token;
        o.allow_plaintext = net::is_loopback_url(cfg_.url);
        return o;
    }

    // Connects, signs in and reads the folder's status. A renewed token the server refuses
    // (revoked, or expired early) is given back and a new one tried, once.
    std::pair<std::int64_t, std::int64_t> sign_in(std::unique_ptr<net::Session>& session) {
        for (int attempt = 0;; ++attempt) {
            net::Options o;
            try {
                o = options();
            } catch (const TokenError& e) {
                throw std::runtime_error("IMAP sign-in on mailbox " + cfg_.name + ": " + e.what());
            }
            session = std::make_unique<net::Session>(o);
            const net::Outcome status = session->imap_command("/", status_command());
            if (oauth2_ && status.ok) oauth2_->accepted(o.oauth2_token);
            if (status.ok || !oauth2_ || status.curl_code != kLoginDenied || attempt > 0)
                return parse_status(status);
            common::logger("imap")->info("oauth2 token refused at sign-in mailbox={} client={}",
                                         cfg_.name, oauth2_->name());
            oauth2_->refused(o.oauth2_token);
        }
    }

    // "1:3,7,9:10" for 1 2 3 7 9 10 (ascending): runs as ranges keep the command short.
    static std::string uid_set(const std::vector<std::int64_t>& uids) {
        std::string out;
        for (std::size_t i = 0; i < uids.size();) {
            std::size_t j = i;
            while (j + 1 < uids.size() && uids[j + 1] == uids[j] + 1) ++j;
            if (!out.empty()) out += ',';
            out += std::to_string(uids[i]);
            if (j > i) out += ':' + std::to_string(uids[j]);
            i = j + 1;
        }
        return out;
    }

    static std::string key(std::int64_t uidvalidity, std::int64_t uid) {
        return std::to_string(uidvalidity) + "/" + std::to_string(uid);
    }

    std::string folder_path() const { return "/" + util::percent_encode(cfg_.folder); }

    void check(const net::Outcome& o, const char* what) const {
        if (!o.ok) {
            throw std::runtime_error(std::string("IMAP ") + what + " failed on mailbox " +
                                     cfg_.name + ": " + o.error + " (curl " +
                                     std::to_string(o.curl_code) + ")");
        }
    }

    // UIDVALIDITY and the number of messages, without selecting the folder.
    std::string status_command() const {
        return "STATUS " + quote_mailbox(cfg_.folder) + " (UIDVALIDITY MESSAGES)";
    }

    std::pair<std::int64_t, std::int64_t> parse_status(const net::Outcome& o) const {
        check(o, "STATUS");
        static const std::regex validity_re("UIDVALIDITY ([0-9]+)");
        static const std::regex messages_re("MESSAGES ([0-9]+)");
        std::smatch v, m;
        if (!std::regex_search(o.body, v, validity_re) ||
            !std::regex_search(o.body, m, messages_re)) {
            throw std::runtime_error("IMAP STATUS gave no UIDVALIDITY or MESSAGES");
        }
        return {std::stoll(v[1]), std::stoll(m[1])};
    }

    // UID → size of every message in the folder. Asked for in windows of sequence numbers:
    // libcurl 7.88 counts a custom command's untagged lines against its 300 KiB header limit
    // more than once (it grows with the square of the line count), so a FETCH of 500 messages
    // already fails with curl error 56; 100 stays far below. Nothing is moved while listing,
    // so the sequence numbers stay put.
    std::map<std::int64_t, std::int64_t> list_messages(net::Session& session,
                                                       std::int64_t messages) {
        constexpr std::int64_t kWindow = 100;
        std::map<std::int64_t, std::int64_t> out;
        for (std::int64_t lo = 1; lo <= messages; lo += kWindow) {
            const std::int64_t hi = std::min(messages, lo + kWindow - 1);
            parse_sizes(
                session.imap_command(folder_path(), "FETCH " + std::to_string(lo) + ":" +
                                                        std::to_string(hi) + " (UID RFC822.SIZE)"),
                out);
        }
        return out;
    }

    void parse_sizes(const net::Outcome& o, std::map<std::int64_t, std::int64_t>& out) const {
        check(o, "FETCH sizes");
        static const std::regex uid_re("UID ([0-9]+)");
        static const std::regex size_re("RFC822\\.SIZE ([0-9]+)");
        std::istringstream lines(o.body);
        std::string line;
        while (std::getline(lines, line)) {
            std::smatch u, s;
            if (line.rfind("* ", 0) != 0 || line.find("FETCH") == std::string::npos) continue;
            if (std::regex_search(line, u, uid_re) && std::regex_search(line, s, size_re)) {
                out[std::stoll(u[1])] = std::stoll(s[1]);
            }
        }
    }

    storage::NewInboundItem fetch(net::Session& session, std::int64_t uidvalidity, std::int64_t uid,
                                  std::int64_t size, PollStats& stats) {
        storage::NewInboundItem item;
        item.source = cfg_.name;
        item.source_kind = "imap";
        item.source_key = key(uidvalidity, uid);
        item.uidvalidity = uidvalidity;
        item.uid = uid;
        item.size = size;
        const std::string url = folder_path() + ";UIDVALIDITY=" + std::to_string(uidvalidity) +
                                "/;UID=" + std::to_string(uid);
        if (static_cast<std::size_t>(size) > limits_.max_message_bytes) {
            // Keep the header with the reason; the whole message stays on the server.
            net::Outcome h = session.imap_fetch(url + "/;SECTION=HEADER", limits_.max_header_bytes);
            item.raw = std::move(h.body);
            item.truncated = true;
            item.quarantine_reason =
                "message size " + std::to_string(size) +
                " exceeds limit max_message_bytes=" + std::to_string(limits_.max_message_bytes) +
                " (whole message kept in IMAP folder " + cfg_.processed_folder + ")";
            ++stats.oversized;
        } else {
            net::Outcome o = session.imap_fetch(url, limits_.max_message_bytes + 1);
            check(o, "FETCH");
            item.raw = std::move(o.body);
            item.size = static_cast<std::int64_t>(item.raw.size());
        }
        return item;
    }

    // One transaction for the group: one commit instead of one per message.
    void move(net::Session& session, const std::vector<std::int64_t>& uids) {
        const std::string dest = quote_mailbox(cfg_.processed_folder);
        const std::string id = uid_set(uids);
        net::Outcome o = session.imap_command(folder_path(), "UID MOVE " + id + " " + dest);
        if (o.ok) return;
        // Servers without MOVE (RFC 6851): copy, flag deleted, expunge just that UID.
        check(session.imap_command(folder_path(), "UID COPY " + id + " " + dest), "UID COPY");
        check(session.imap_command(folder_path(), "UID STORE " + id + " +FLAGS.SILENT (\\Deleted)"),
              "UID STORE");
        check(session.imap_command(folder_path(), "UID EXPUNGE " + id), "UID EXPUNGE");
    }

    common::MailboxConfig cfg_;
    common::Limits limits_;
    std::shared_ptr<OAuth2Client> oauth2_;
    std::int64_t last_uidvalidity_ = 0;
};

}  // namespace

std::unique_ptr<Source> make_imap_source(const common::MailboxConfig& m, const common::Limits& l,
                                         std::shared_ptr<OAuth2Client> oauth2) {
    return std::make_unique<ImapSource>(m, l, std::move(oauth2));
}

}  // namespace casegate::daemon
