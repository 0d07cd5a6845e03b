#include "http/metrics.hpp"

#include <cmath>
#include <cstdio>

namespace casegate::http {

namespace {

std::string escaped(const std::string& v) {
    std::string out;
    for (const char c : v) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::string number(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    char buf[40];
    if (v == std::floor(v) && std::fabs(v) < 1e15) {
        std::snprintf(buf, sizeof buf, "%.0f", v);
    } else {
        std::snprintf(buf, sizeof buf, "%.6g", v);
    }
    return buf;
}

}  // namespace

std::string render_metrics(const std::vector<Family>& families) {
    std::string out;
    for (const Family& f : families) {
        out += "# HELP " + f.name + " " + f.help + "\n# TYPE " + f.name + " " + f.type + "\n";
        for (const Sample& s : f.samples) {
            out += f.name;
            if (!s.labels.empty()) {
                out += '{';
                for (std::size_t i = 0; i < s.labels.size(); ++i) {
                    out += (i ? "," : "") + s.labels[i].first + "=\"" + escaped(s.labels[i].second) +
                           "\"";
                }
                out += '}';
            }
            out += " " + number(s.value) + "\n";
        }
    }
    return out;
}

Response metrics_response(const std::vector<Family>& families) {
    Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = render_metrics(families);
    r.headers = security_headers();
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
}

Response metrics_only(const Request& req, const std::function<std::vector<Family>()>& families) {
    if (req.path == "/metrics") return metrics_response(families());
    Response r;
    r.status = 404;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "/metrics only\n";
    return r;
}

}  // namespace casegate::http
