// `casegate console`: the configuration, the texts, and App behind the shared HTTP server
// (http/server.hpp), with a database connection per worker thread.
#include <memory>
#include <spdlog/spdlog.h>

#include "cases/outgoing.hpp"
#include "common/config.hpp"
#include "common/log.hpp"
#include "console/app.hpp"
#include "console/console.hpp"
#include "http/server.hpp"

namespace casegate::console {

int run_console(const std::string& config_path) {
    common::Config cfg;
    try {
        cfg = common::load_config(config_path, common::Program::console);
        cases::use_texts(cfg);
    } catch (const common::ConfigError& e) {
        common::init_logging("info");
        common::logger("console")->critical("bad configuration: {}", e.what());
        return 78;
    }
    common::init_logging(cfg.log_level);
    const auto log = common::logger("console");

    const App app(cfg);
    const std::string conninfo = cfg.database_conninfo;
    const auto handler = [&app, conninfo, log](const Request& req) {
        // One connection per worker thread, made when the thread first needs it.
        thread_local std::unique_ptr<storage::Db> db;
        if (!db) {
            try {
                db = std::make_unique<storage::Db>(conninfo);
            } catch (const std::exception& e) {
                log->error("database unavailable: {}", e.what());
                return app.unavailable();
            }
        }
        return app.handle(*db, req);
    };
    return http::serve({"console", cfg.console.listen, cfg.console.threads,
                        cfg.console.max_upload_bytes, cfg.console.assets_dir,
                        cfg.console.metrics_listen, {}},
                       handler);
}

}  // namespace casegate::console
