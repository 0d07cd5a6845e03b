// `casegate form-service --config FILE`: the public form and the pull API on the shared HTTP
// server, with the spool in [form_service] spool_dir. Returns the exit code.
#pragma once

#include <string>

namespace casegate::formsvc {

int run_form_service(const std::string& config_path);

}  // namespace casegate::formsvc
