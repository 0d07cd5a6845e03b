// A reload compares the running and the new configuration key by key (the values each load
// recorded) and keeps the running value of what the settings table says needs a restart.
#include "common/config.hpp"

#include <stdexcept>

namespace casegate::common {

namespace {

// "office[0].staff[1].role" -> its row of the table.
const Setting* setting_of(const std::string& full) {
    const auto dot = full.rfind('.');
    if (dot == std::string::npos) return nullptr;
    std::string section;
    bool in_index = false;
    for (const char ch : std::string_view(full).substr(0, dot)) {
        if (ch == '[') in_index = true;
        if (!in_index) section += ch;
        if (ch == ']') in_index = false;
    }
    return find_setting(section, std::string_view(full).substr(dot + 1));
}

// Puts the running value of a changed key that needs a restart back into fresh.
void keep_running(const Setting& s, const Config& running, Config& fresh) {
    if (s.section == "database") {
        // conninfo holds both keys: the running one stays whole.
        fresh.database_conninfo = running.database_conninfo;
    } else if (s.section == "metrics" && s.key == "listen") {
        fresh.metrics_listen = running.metrics_listen;
    } else if (s.section == "console" && s.key == "metrics_listen") {
        fresh.console.metrics_listen = running.console.metrics_listen;
    } else if (s.section == "form_service" && s.key == "metrics_listen") {
        fresh.form_service.metrics_listen = running.form_service.metrics_listen;
    } else if (s.section == "console" && s.key == "listen") {
        fresh.console.listen = running.console.listen;
    } else if (s.section == "console" && s.key == "assets_dir") {
        fresh.console.assets_dir = running.console.assets_dir;
    } else if (s.section == "console" && s.key == "threads") {
        fresh.console.threads = running.console.threads;
    } else if (s.section == "console" && s.key == "max_upload_bytes") {
        fresh.console.max_upload_bytes = running.console.max_upload_bytes;
    } else if (s.section == "form_service" && s.key == "listen") {
        fresh.form_service.listen = running.form_service.listen;
    } else if (s.section == "form_service" && s.key == "assets_dir") {
        fresh.form_service.assets_dir = running.form_service.assets_dir;
    } else if (s.section == "form_service" && s.key == "threads") {
        fresh.form_service.threads = running.form_service.threads;
    } else if (s.section == "form_service" && s.key == "spool_dir") {
        fresh.form_service.spool_dir = running.form_service.spool_dir;
    } else {
        throw std::logic_error("config: no way to keep the running value of " +
                               std::string(s.section) + "." + std::string(s.key));
    }
}

}  // namespace

std::vector<ConfigChange> changed_keys(const Config& running, const Config& fresh) {
    std::vector<ConfigChange> out;
    auto add = [&](const std::string& key) {
        const Setting* s = setting_of(key);
        if (!s) throw std::logic_error("config: no setting for " + key);
        out.push_back({key, s});
    };
    auto a = running.values.begin();
    auto b = fresh.values.begin();
    while (a != running.values.end() || b != fresh.values.end()) {
        if (b == fresh.values.end() || (a != running.values.end() && a->first < b->first)) {
            add((a++)->first);
        } else if (a == running.values.end() || b->first < a->first) {
            add((b++)->first);
        } else {
            if (a->second != b->second) add(a->first);
            ++a;
            ++b;
        }
    }
    return out;
}

ReloadPlan plan_reload(const Config& running, Config& fresh) {
    if (running.program != fresh.program)
        throw std::logic_error("config: a reload compares configurations of one program");
    ReloadPlan plan;
    for (const ConfigChange& ch : changed_keys(running, fresh)) {
        if (ch.setting->reload == Reload::applies) {
            plan.applied.push_back(ch.key);
            continue;
        }
        keep_running(*ch.setting, running, fresh);
        const auto was = running.values.find(ch.key);
        if (was == running.values.end()) {
            fresh.values.erase(ch.key);
        } else {
            fresh.values[ch.key] = was->second;
        }
        plan.kept.push_back(ch.key);
    }
    return plan;
}

}  // namespace casegate::common
