// Prometheus's text exposition format (version 0.0.4), for the /metrics endpoint each program
// serves on its own loopback address: families of samples with HELP and TYPE lines, label
// values escaped as the format requires.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "http/http.hpp"

namespace casegate::http {

struct Sample {
    std::vector<std::pair<std::string, std::string>> labels;
    double value = 0;
};

struct Family {
    std::string name;  ///< casegate_…
    std::string type;  ///< "gauge" or "counter"
    std::string help;
    std::vector<Sample> samples;
};

std::string render_metrics(const std::vector<Family>& families);

/// The answer to GET /metrics (no-store, the security headers of every answer).
Response metrics_response(const std::vector<Family>& families);

/// A metrics address's whole answer: /metrics, else a plain 404.
Response metrics_only(const Request& req, const std::function<std::vector<Family>()>& families);

}  // namespace casegate::http
