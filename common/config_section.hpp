// Internal to casegate_common: one TOML table of the configuration checked against the settings
// table (settings.hpp) and read key by key. Used by config.cpp (loading) only.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <toml.hpp>

#include "common/config.hpp"

namespace casegate::common::detail {

using T = SettingType;
using Values = std::map<std::string, std::string>;

[[noreturn]] inline void fail(const std::string& key, const std::string& what) {
    throw ConfigError(key + ": " + what);
}

/// The TOML value as the table describes it, or a ConfigError naming the key.
void check_value(const toml::value& x, const Setting& s, const std::string& key);

/// A checked value as text, for Config::values.
std::string canonical(const toml::value& x, const Setting& s);

/// A secret named by a path, or by a bare name looked up in systemd's credentials directory.
std::string read_secret(const std::string& where, const std::string& key);

/// The array sections nested in `info` (office.staff in office).
std::vector<const SectionInfo*> children_of(const SectionInfo& info);

/// "path[i]".
std::string indexed(const std::string& path, std::size_t i);

// One TOML table of a section. Constructing it checks every key against the table: unknown
// keys, types, bounds and required keys are errors naming the key. Loading, the caller then
// takes each value (given or defaulted), which also records it in Config::values; finish()
// makes sure every key of the table was taken (a key config.cpp forgets is a programming
// error, reported by any test that loads the section).
class Section {
  public:
    Section(const toml::value& v, const SectionInfo& info, std::string path, Values* values)
        : v_(v), info_(info), path_(std::move(path)), values_(values) {
        if (!v_.is_table()) fail(path_, "must be a table");
        const auto& t = v_.as_table();
        for (const Setting& s : config_settings()) {
            if (s.section != info_.name) continue;
            const auto it = t.find(std::string(s.key));
            if (it != t.end()) {
                check_value(it->second, s, key(s.key));
            } else if (s.need == Need::required) {
                fail(key(s.key), "is required");
            }
        }
        std::vector<std::string> names;
        for (const auto& [k, _] : t) names.push_back(k);
        std::sort(names.begin(), names.end());
        for (const auto& k : names) {
            if (find_setting(info_.name, k)) continue;
            const SectionInfo* child = child_info(k);
            if (!child) fail(key(k), "unknown key");
            if (!values_) check_children(t.at(k), *child, key(k));
        }
    }

    std::string key(std::string_view k) const { return path_ + "." + std::string(k); }

    bool has(std::string_view k) const { return v_.as_table().count(std::string(k)) != 0; }

    std::string str(std::string_view k) {
        const Setting& s =
            take(k, {T::string, T::url, T::enumeration, T::email, T::listen, T::path});
        if (const toml::value* x = find(k)) return x->as_string().str;
        return std::string(s.default_value);
    }

    long long integer(std::string_view k) {
        const Setting& s = take(k, {T::integer});
        if (const toml::value* x = find(k)) return x->as_integer();
        return std::stoll(std::string(s.default_value));
    }

    double fraction(std::string_view k) {
        const Setting& s = take(k, {T::fraction});
        if (const toml::value* x = find(k))
            return x->is_floating() ? x->as_floating() : static_cast<double>(x->as_integer());
        return std::stod(std::string(s.default_value));
    }

    bool boolean(std::string_view k) {
        const Setting& s = take(k, {T::boolean});
        if (const toml::value* x = find(k)) return x->as_boolean();
        return s.default_value == "true";
    }

    std::vector<std::string> list(std::string_view k) {
        take(k, {T::string_list, T::email_list});
        std::vector<std::string> out;
        if (const toml::value* x = find(k)) {
            for (const auto& e : x->as_array()) out.push_back(e.as_string().str);
        }
        return out;
    }

    /// The secret from the file the key names, or "" when the key is not given.
    std::string secret(std::string_view k) {
        take(k, {T::secret_file});
        const toml::value* x = find(k);
        return x ? read_secret(x->as_string().str, key(k)) : std::string();
    }

    /// A secret key taken but not read (a program that does not need the secret).
    void secret_unread(std::string_view k) { take(k, {T::secret_file}); }

    /// A key that does not apply here (`why`): an error if given.
    void unused(std::string_view k, const std::string& why) {
        take(k, {});
        if (has(k)) fail(key(k), why);
    }

    /// Records a value computed from the given one (a default that depends on other keys).
    void record(std::string_view k, const std::string& value) {
        if (values_) (*values_)[key(k)] = value;
    }

    /// The entries of the array section `k` (office.staff in an [[office]]), or none.
    const toml::value* child(std::string_view k) {
        if (!child_info(k)) throw std::logic_error("config: no section " + key(k));
        asked_.insert(std::string(k));
        return find(k);
    }

    void finish() const {
        for (const Setting& s : config_settings()) {
            if (s.section == info_.name && !asked_.count(std::string(s.key)))
                throw std::logic_error("config.cpp does not read " + key(s.key));
        }
        for (const SectionInfo* c : children_of(info_)) {
            const std::string k(c->name.substr(info_.name.size() + 1));
            if (!asked_.count(k)) throw std::logic_error("config.cpp does not read " + key(k));
        }
    }

    // Checks a section without loading it (a program that does not use it): no secret is
    // read and no value is kept.
    static void check(const toml::value& v, const SectionInfo& info, const std::string& path) {
        const Section checked(v, info, path, nullptr);
        (void)checked;
    }

    // The same for the entries of an array section.
    static void check_children(const toml::value& v, const SectionInfo& info,
                               const std::string& path) {
        if (!v.is_array()) fail(path, "must be written as " + section_header(info) + " tables");
        for (std::size_t i = 0; i < v.as_array().size(); ++i)
            check(v.as_array()[i], info, indexed(path, i));
    }

  private:
    const toml::value* find(std::string_view k) const {
        const auto& t = v_.as_table();
        const auto it = t.find(std::string(k));
        return it == t.end() ? nullptr : &it->second;
    }

    const SectionInfo* child_info(std::string_view k) const {
        return find_section(std::string(info_.name) + "." + std::string(k));
    }

    const Setting& take(std::string_view k, std::initializer_list<SettingType> types) {
        const Setting* s = find_setting(info_.name, k);
        if (!s) throw std::logic_error("config: no setting " + key(k));
        if (types.size() && std::find(types.begin(), types.end(), s->type) == types.end())
            throw std::logic_error("config: " + key(k) + " is read as another type");
        asked_.insert(std::string(k));
        if (values_) {
            if (const toml::value* x = find(k)) {
                (*values_)[key(k)] = canonical(*x, *s);
            } else if (!s->default_value.empty()) {
                (*values_)[key(k)] = std::string(s->default_value);
            }
        }
        return *s;
    }

    const toml::value& v_;
    const SectionInfo& info_;
    std::string path_;
    Values* values_;  ///< null: only checked, not loaded
    std::set<std::string> asked_;
};

}  // namespace casegate::common::detail
