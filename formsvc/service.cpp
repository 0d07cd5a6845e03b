#include "formsvc/service.hpp"

#include <spdlog/spdlog.h>

#include "common/config.hpp"
#include "common/log.hpp"
#include "formsvc/form_app.hpp"
#include "http/server.hpp"

namespace casegate::formsvc {

int run_form_service(const std::string& config_path) {
    common::Config cfg;
    try {
        cfg = common::load_config(config_path, common::Program::form_service);
    } catch (const common::ConfigError& e) {
        common::init_logging("info");
        common::logger("form service")->critical("bad configuration: {}", e.what());
        return 78;
    }
    common::init_logging(cfg.log_level);
    const common::FormServiceConfig& f = cfg.form_service;
    try {
        Spool spool(f.spool_dir);
        FormApp app(f, spool);
        return http::serve({"form service", f.listen, f.threads, f.max_body_bytes, f.assets_dir,
                            f.metrics_listen, [&app] { return app.metrics(); }},
                           [&app](const http::Request& req) { return app.handle(req); });
    } catch (const std::exception& e) {
        common::logger("form service")->critical("cannot start: {}", e.what());
        return 1;
    }
}

}  // namespace casegate::formsvc
