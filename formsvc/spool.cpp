#include "formsvc/spool.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "common/files.hpp"
#include "util/random.hpp"

namespace casegate::formsvc {

namespace fs = std::filesystem;
using common::sync_dir;
using common::write_durably;

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
    throw std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

void make_dir(const std::string& path) {
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) fail("cannot create", path);
}

std::string read_whole(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// "20261203-093012-123456-3F9A2C": UTC to the microsecond, then 24 random bits.
std::string new_receipt(std::string& iso) {
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() %
        1000000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    char iso_buf[32];
    std::strftime(iso_buf, sizeof iso_buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    iso = iso_buf;
    char us[8];
    std::snprintf(us, sizeof us, "%06lld", static_cast<long long>(micros));
    std::string random = util::random_hex(3);
    std::transform(random.begin(), random.end(), random.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return std::string(stamp) + "-" + us + "-" + random;
}

}  // namespace

Spool::Spool(std::string dir) : dir_(std::move(dir)) {
    make_dir(dir_);
    make_dir(dir_ + "/tmp");
    make_dir(dir_ + "/pending");
    make_dir(dir_ + "/acknowledged");
    // Half-written submissions (the page never said "received") and acknowledged ones whose
    // removal was cut short.
    for (const char* sub : {"/tmp", "/acknowledged"}) {
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(dir_ + sub, ec)) fs::remove_all(e.path(), ec);
    }
}

bool Spool::is_receipt(const std::string& s) {
    // YYYYMMDD-HHMMSS-uuuuuu-XXXXXX
    if (s.size() != 29) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        const bool dash = i == 8 || i == 15 || i == 22;
        if (dash ? c != '-' : !(std::isdigit(static_cast<unsigned char>(c)) ||
                                (i > 22 && c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

std::string Spool::store(const std::string& fields_json,
                         const std::vector<SpoolDocument>& documents) {
    std::string received_at;
    const std::string receipt = new_receipt(received_at);
    const std::string tmp = dir_ + "/tmp/" + receipt;
    try {
        make_dir(tmp);
        make_dir(tmp + "/documents");
        nlohmann::json meta{{"receipt", receipt}, {"received_at", received_at}};
        meta["documents"] = nlohmann::json::array();
        for (std::size_t i = 0; i < documents.size(); ++i) {
            const SpoolDocument& d = documents[i];
            write_durably(tmp + "/documents/" + std::to_string(i + 1), d.content);
            meta["documents"].push_back(
                {{"filename", d.filename}, {"content_type", d.content_type}, {"size", d.content.size()}});
        }
        sync_dir(tmp + "/documents");
        write_durably(tmp + "/fields.json", fields_json);
        write_durably(tmp + "/meta.json",
                      meta.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        sync_dir(tmp);
        const std::string final_path = dir_ + "/pending/" + receipt;
        if (::rename(tmp.c_str(), final_path.c_str()) != 0) fail("cannot rename", tmp);
        sync_dir(dir_ + "/pending");
    } catch (...) {
        std::error_code ec;
        fs::remove_all(tmp, ec);
        throw;
    }
    return receipt;
}

std::vector<std::string> Spool::pending(const std::string& after, std::size_t limit) const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_ + "/pending", ec)) {
        const std::string name = e.path().filename().string();
        if (is_receipt(name) && name > after) out.push_back(name);
    }
    std::sort(out.begin(), out.end());
    if (out.size() > limit) out.resize(limit);
    return out;
}

std::optional<Spooled> Spool::read(const std::string& receipt) const {
    if (!is_receipt(receipt)) return std::nullopt;
    const std::string dir = dir_ + "/pending/" + receipt;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return std::nullopt;
    const nlohmann::json meta = nlohmann::json::parse(read_whole(dir + "/meta.json"));
    Spooled s;
    s.receipt = receipt;
    s.received_at = meta.value("received_at", std::string());
    s.fields_json = read_whole(dir + "/fields.json");
    std::size_t n = 0;
    for (const nlohmann::json& d : meta.at("documents")) {
        ++n;
        s.documents.push_back({d.value("filename", std::string()),
                               d.value("content_type", std::string()),
                               read_whole(dir + "/documents/" + std::to_string(n))});
    }
    return s;
}

bool Spool::acknowledge(const std::string& receipt) {
    if (!is_receipt(receipt)) return false;
    const std::string from = dir_ + "/pending/" + receipt;
    const std::string to = dir_ + "/acknowledged/" + receipt;
    if (::rename(from.c_str(), to.c_str()) != 0) {
        if (errno == ENOENT) return false;
        fail("cannot rename", from);
    }
    sync_dir(dir_ + "/pending");
    std::error_code ec;
    fs::remove_all(to, ec);
    return true;
}

}  // namespace casegate::formsvc
