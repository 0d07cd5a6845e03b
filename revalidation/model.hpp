// The records the connection rules read (TIS persons, GMC rows, manual actions, connection
// history, GMC requests) and the classification they produce. Plain values: no I/O, no clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace casegate::revalidation {

/// A calendar date (no time, no zone), held as days since 1970-01-01 so that comparisons and
/// day arithmetic are integer operations.
class Date {
  public:
    constexpr Date() = default;

    /// Parses exactly "YYYY-MM-DD" and checks that the day exists (leap years included).
    static std::optional<Date> parse(std::string_view text);
    static constexpr Date from_days(std::int32_t days) { return Date(days); }

    constexpr std::int32_t days() const { return days_; }
    constexpr Date plus_days(std::int32_t n) const { return Date(days_ + n); }
    std::string to_string() const;  ///< "YYYY-MM-DD"

    // NOLINTNEXTLINE(modernize-use-nullptr): clang 14 flags the 0 of the defaulted <=>
    friend constexpr auto operator<=>(Date, Date) = default;

  private:
    constexpr explicit Date(std::int32_t days) : days_(days) {}
    std::int32_t days_ = 0;
};

/// The GMC number as 7 digits when `raw` holds one (surrounding blanks allowed), else nullopt:
/// "", "unknown", "n/a", "none", "0000000" and anything not 7 digits count as missing.
std::optional<std::string_view> usable_gmc_number(std::string_view raw);

enum class MembershipType { substantive, lat, ftsta, military, visitor, academic };
enum class PersonStatus { active, inactive };
enum class Licence { licensed, suspended, removed };
enum class ManualActionKind { hide, unhide, flag, unflag };
enum class GmcRequestKind { add, remove };

/// Spellings as they appear in the JSON records ("MILITARY", "INACTIVE", "hide", "add", ...).
/// The parse functions accept any letter case and return nullopt for unknown words.
std::string_view to_string(MembershipType t);
std::string_view to_string(PersonStatus s);
std::string_view to_string(Licence l);
std::string_view to_string(ManualActionKind k);
std::string_view to_string(GmcRequestKind k);
std::optional<MembershipType> parse_membership_type(std::string_view s);
std::optional<PersonStatus> parse_person_status(std::string_view s);
std::optional<Licence> parse_licence(std::string_view s);
std::optional<ManualActionKind> parse_manual_action(std::string_view s);
std::optional<GmcRequestKind> parse_gmc_request_kind(std::string_view s);

struct ProgrammeMembership {
    std::string id;
    std::string programme_name;
    MembershipType type = MembershipType::substantive;
    std::optional<Date> start_date;
    std::optional<Date> end_date;
    std::optional<Date> curriculum_end_date;
    std::string designated_body;  ///< owning local office's DB; may be empty in bad TIS data
};

struct TisPerson {
    std::string tis_person_id;
    std::string gmc_number;  ///< as TIS holds it, possibly junk: see usable_gmc_number()
    std::string forenames;
    std::string surname;
    PersonStatus status = PersonStatus::active;
    std::string current_grade;
    std::vector<ProgrammeMembership> programme_memberships;
};

/// One GetDoctorsForDB row, tagged with the DB that was asked.
struct GmcDoctor {
    std::string gmc_number;
    std::string forenames;
    std::string surname;
    std::string designated_body;
    std::optional<Date> date_added;
    std::optional<Date> submission_date;
    std::string under_notice;
    Licence licence = Licence::licensed;
};

/// The facts a hide was made on; the hide stops applying when they no longer hold.
struct HideContext {
    std::optional<std::string> gmc_designated_body;  ///< nullopt: the doctor was not connected
    std::vector<std::string> tis_designated_bodies;
};

/// An admin's hide/unhide/flag/unflag. The doctor is named by GMC number, or by TIS person id
/// for a doctor without a usable GMC number.
struct ManualAction {
    std::string gmc_number;
    std::string tis_person_id;
    ManualActionKind action = ManualActionKind::hide;
    std::string designated_body;
    std::string by;
    Date at;
    std::string reason;
    std::optional<Date> until;           ///< hide only: last day the hide applies
    std::optional<HideContext> context;  ///< hide only
};

struct HistoryEntry {
    std::string gmc_number;
    std::string designated_body;
    std::optional<Date> from;
    std::optional<Date> to;
};

/// A recorded TryAddDoctor / TryRemoveDoctor call and its outcome.
struct GmcRequest {
    std::string gmc_number;
    GmcRequestKind action = GmcRequestKind::add;
    std::string designated_body;
    std::string by;
    Date at;
    int reason_code = 0;
    std::string client_request_id;
    std::string gmc_request_id;
    std::optional<int> return_code;  ///< nullopt: no answer (network or transport failure)
    std::string error;               ///< GMC's or the transport's text
};

struct Inputs {
    std::vector<TisPerson> tis;
    std::vector<GmcDoctor> gmc;
    std::vector<ManualAction> actions;
    std::vector<HistoryEntry> history;
    std::vector<GmcRequest> gmc_requests;
};

enum class List { connected, discrepancy, review, hidden, historic };

enum class Reason {
    manually_hidden,
    military,
    f1,
    not_in_tis,
    duplicate_gmc_number,
    no_gmc_number,
    licence_removed,
    inactive_in_tis,
    overlapping_programmes,
    visitor,
    not_connected,
    db_mismatch,
    membership_ended,
    membership_not_started,
    no_membership,
    no_current_membership,
};

/// What a local office is offered for the doctor. The "or" values keep the table's two
/// alternatives for the same office ("remove/hide", "remove/review").
enum class OfficeAction { none, add, remove, review, unhide, remove_or_hide, remove_or_review };

std::string_view to_string(List l);          ///< "connected", "discrepancy", ...
std::string_view to_string(Reason r);        ///< "DB_MISMATCH", ...
std::string_view to_string(OfficeAction a);  ///< "add", "remove/hide", ...; "" for none

/// Designated body written for "every local office".
inline constexpr std::string_view every_office = "*";

struct Visibility {
    std::string designated_body;  ///< a DB code, or "*" for every local office
    bool editable = false;
    OfficeAction action = OfficeAction::none;

    friend bool operator==(const Visibility&, const Visibility&) = default;
};

/// failed: no answer or an unexpected code, retried until it succeeds; refused: GMC said no
/// (codes 70-160), shown with its text and not retried.
enum class GmcRequestState { failed, refused };
std::string_view to_string(GmcRequestState s);

struct GmcRequestStatus {
    GmcRequestState state = GmcRequestState::failed;
    GmcRequestKind action = GmcRequestKind::add;
    std::string designated_body;
    Date at;
    std::optional<int> return_code;
    std::string client_request_id;
    std::string error;
};

struct Classification {
    std::string key;  ///< the GMC number, or the TIS person id when there is no usable one
    std::optional<std::string> gmc_number;
    std::optional<std::string> tis_person_id;
    List list = List::hidden;
    int rule = 0;  ///< row of the REVALIDATION.md table that matched (1-18)
    std::vector<Reason> reasons;
    bool flagged = false;
    std::vector<std::string> tis_designated_bodies;  ///< sorted, unique
    std::optional<std::string> gmc_designated_body;
    std::vector<Visibility> visible_to;  ///< sorted by designated_body
    std::optional<GmcRequestStatus> gmc_request;
};

}  // namespace casegate::revalidation
