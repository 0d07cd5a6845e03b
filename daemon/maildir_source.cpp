// Maildir: new messages are files in new/. Each is stored, then renamed into cur/ with the
// Seen flag; a file already stored (a crash between the two) is only renamed.
//
// SECURITY: file names come from whoever delivers into the Maildir; only names without '/'
// that do not start with '.' are taken, and they are used as keys, never as paths elsewhere.
#include <dirent.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include "common/log.hpp"
#include "common/watchdog.hpp"
#include "daemon/sources.hpp"
#include "storage/inbound.hpp"

namespace casegate::daemon {

namespace {

class MaildirSource : public Source {
  public:
    MaildirSource(const common::MailboxConfig& m, const common::Limits& l)
        : cfg_(m), limits_(l), root_(m.maildir_path()) {}

    const std::string& name() const override { return cfg_.name; }
    int poll_interval() const override { return cfg_.poll_interval; }

    PollStats poll(storage::Db& db, const std::atomic<bool>& stop,
                   const StoredFn& on_stored) override {
        PollStats stats;
        const std::vector<std::string> names = list_new();
        std::vector<std::string> keys;
        keys.reserve(names.size());
        for (const auto& n : names) keys.push_back(key_of(n));
        const std::set<std::string> stored = storage::stored_keys(db, cfg_.name, keys);
        // New files are committed in groups (sources.hpp), each acknowledged after its commit.
        StoreGroup group(
            db, "maildir", stats,
            [&](const std::vector<storage::NewInboundItem>& items) {
                for (const auto& item : items) acknowledge(*item.file_name);
                stats.acknowledged += static_cast<int>(items.size());
            },
            on_stored);
        for (const auto& n : names) {
            if (stop) break;
            common::watchdog_ping();
            if (stored.count(key_of(n))) {
                acknowledge(n);
                ++stats.acknowledged;
                continue;
            }
            std::optional<storage::NewInboundItem> item = read(n, stats);
            if (!item) continue;
            group.add(std::move(*item));
        }
        group.commit();
        return stats;
    }

  private:
    // The unique part of a Maildir name is everything before the ":2," info suffix.
    static std::string key_of(const std::string& name) { return name.substr(0, name.find(':')); }

    std::vector<std::string> list_new() const {
        const std::string dir = root_ + "/new";
        DIR* d = opendir(dir.c_str());
        if (!d)
            throw std::runtime_error("cannot open Maildir " + dir + ": " + std::strerror(errno));
        std::vector<std::string> out;
        while (dirent* e = readdir(d)) {
            const std::string n = e->d_name;
            if (n.empty() || n[0] == '.') continue;
            out.push_back(n);
        }
        closedir(d);
        std::sort(out.begin(), out.end());
        return out;
    }

    std::optional<storage::NewInboundItem> read(const std::string& name, PollStats& stats) const {
        const std::string path = root_ + "/new/" + name;
        struct stat st {};
        if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
        storage::NewInboundItem item;
        item.source = cfg_.name;
        item.source_kind = "maildir";
        item.source_key = key_of(name);
        item.file_name = name;
        item.size = st.st_size;
        std::ifstream in(path, std::ios::binary);
        if (!in) return std::nullopt;
        const bool oversized = static_cast<std::size_t>(st.st_size) > limits_.max_message_bytes;
        const std::size_t want =
            oversized ? limits_.max_header_bytes : static_cast<std::size_t>(st.st_size);
        item.raw.resize(want);
        in.read(item.raw.data(), static_cast<std::streamsize>(want));
        item.raw.resize(static_cast<std::size_t>(in.gcount()));
        if (oversized) {
            item.truncated = true;
            item.quarantine_reason =
                "message size " + std::to_string(st.st_size) +
                " exceeds limit max_message_bytes=" + std::to_string(limits_.max_message_bytes) +
                " (whole file kept in " + root_ + "/cur)";
            ++stats.oversized;
        }
        return item;
    }

    // One transaction for the group: one commit instead of one per file.
    void acknowledge(const std::string& name) const {
        const std::string from = root_ + "/new/" + name;
        const std::string to = root_ + "/cur/" + key_of(name) + ":2,S";
        if (std::rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT) {
            throw std::runtime_error("cannot move " + from + " to cur/: " + std::strerror(errno));
        }
    }

    common::MailboxConfig cfg_;
    common::Limits limits_;
    std::string root_;
};

}  // namespace

std::unique_ptr<Source> make_imap_source(const common::MailboxConfig& m, const common::Limits& l,
                                         std::shared_ptr<OAuth2Client> oauth2);

std::unique_ptr<Source> make_source(const common::MailboxConfig& m, const common::Limits& l,
                                    std::shared_ptr<OAuth2Client> oauth2) {
    if (m.is_maildir()) return std::make_unique<MaildirSource>(m, l);
    return make_imap_source(m, l, std::move(oauth2));
}

}  // namespace casegate::daemon
