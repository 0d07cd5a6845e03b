// Employers from a list, so that reports count by trust (seed 000 Q8). Each office may name a
// list of its employers — NHS trusts and, optionally, GP practices — in the layout NHS
// Digital's Organisation Data Service publishes (etr.csv, epraccur.csv: code, name, …, no
// header). The employer written on a referral is matched to it by ODS code, by name ignoring
// case, punctuation, "&"/"and", common abbreviations and the "NHS Foundation Trust" / "NHS
// Trust" ending, or by an alias staff recorded (`casegate employers map`). A value that matches
// nothing is kept exactly as written and counted as unmatched: never refused, never changed.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.hpp"
#include "storage/pg.hpp"

namespace casegate::import {

struct Employer {
    std::string code;  ///< ODS code, upper case
    std::string name;  ///< as the list writes it
};

/// The name as matching sees it: ASCII lower case, "&" as "and", apostrophes dropped, other
/// punctuation as spaces, abbreviations written out (univ, hosp, ft, …), a leading "the" and
/// a trailing "NHS", "Foundation" and "Trust" dropped.
std::string employer_key(std::string_view written);

class EmployerList {
  public:
    EmployerList() = default;
    /// Reads an ODS-layout CSV (code, name, …; a header row is skipped). Throws
    /// std::runtime_error naming the file and the line.
    static EmployerList load(const std::string& path);
    static EmployerList from_rows(const std::vector<Employer>& rows);

    /// By ODS code (any case), then by name (employer_key); null when neither matches.
    const Employer* match(std::string_view written) const;
    const Employer* by_code(std::string_view code) const;
    const std::vector<Employer>& all() const { return list_; }
    /// The names, in the list's order: what a form offers.
    std::vector<std::string> names() const;

  private:
    std::vector<Employer> list_;
    std::map<std::string, std::size_t, std::less<>> codes_;
    std::map<std::string, std::size_t, std::less<>> keys_;
};

/// The office's list ([[office]] employers_file), read once and again whenever the file's
/// modification time changes (an operator's new list is used without a restart); null when the
/// office names none or it cannot be read (logged, with the reason, once per change).
std::shared_ptr<const EmployerList> employer_list(const common::Config& cfg,
                                                  const std::string& office);

/// Every office's employers by name, sorted, each once: what the forms offer.
std::vector<std::string> region_employers(const common::Config& cfg);

struct EmployerMatch {
    std::optional<std::string> code;
    std::optional<std::string> name;
};

/// Matches `written` for the office: its list, then the aliases staff recorded.
EmployerMatch match_employer(storage::Db& db, const common::Config& cfg,
                             const std::string& office, std::string_view written);

}  // namespace casegate::import
