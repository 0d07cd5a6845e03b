#include "common/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/systemd_sink.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <mutex>

namespace casegate::common {

namespace {
std::mutex g_mutex;
spdlog::sink_ptr g_sink;
spdlog::level::level_enum g_level = spdlog::level::info;

spdlog::sink_ptr make_sink() {
    // journald drops messages silently when it is not there, so use it only under systemd.
    if (std::getenv("JOURNAL_STREAM") != nullptr || std::getenv("INVOCATION_ID") != nullptr) {
        auto s = std::make_shared<spdlog::sinks::systemd_sink_mt>("casegate");
        s->set_pattern("%n: %v");
        return s;
    }
    auto s = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    s->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %n: %v");
    return s;
}
}  // namespace

void init_logging(const std::string& level) {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (!g_sink) g_sink = make_sink();
    g_level = spdlog::level::from_str(level);
    spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { l->set_level(g_level); });
}

std::shared_ptr<spdlog::logger> logger(const std::string& name) {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (auto l = spdlog::get(name)) return l;
    if (!g_sink) g_sink = make_sink();
    auto l = std::make_shared<spdlog::logger>(name, g_sink);
    l->set_level(g_level);
    spdlog::register_logger(l);
    return l;
}

}  // namespace casegate::common
