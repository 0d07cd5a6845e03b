// Grouping of revalidation records by doctor.
//
// Trusts nothing about the records beyond their types: junk GMC numbers, repeated ids and
// records about unknown doctors are expected and handled as documented in doctor_index.hpp.
// Built for a million doctors: GMC numbers are hashed as integers, records are grouped by a
// counting sort, and no per-doctor allocation is made.
#include "revalidation/doctor_index.hpp"

#include <algorithm>
#include <functional>
#include <limits>
#include <utility>

namespace casegate::revalidation {
namespace {

constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();
using Doctor = DoctorIndex::Doctor;

std::uint32_t gmc_value(std::string_view seven_digits) {
    std::uint32_t v = 0;
    for (char c : seven_digits) v = v * 10 + std::uint32_t(c - '0');
    return v;
}

// Open-addressing map from a 32-bit key hash to a record index; the full key is read back
// from the record by the caller's `same_key`. std::unordered_map costs three cache misses per
// lookup (bucket, node, key); a slot here holds the hash and the index, so a miss costs one.
class FlatIndex {
  public:
    explicit FlatIndex(std::size_t expected) { resize(expected * 2); }

    // The slot's value for the key: an existing one, or `value` newly stored.
    template <typename Equal>
    std::uint32_t& find_or_insert(std::uint32_t hash, std::uint32_t value, Equal same_key) {
        if (used_ * 2 >= slots_.size()) grow();
        Slot& s = slots_[probe(hash, same_key)];
        if (s.value == none) {
            s = Slot{hash, value};
            ++used_;
        }
        return s.value;
    }

    template <typename Equal>
    std::uint32_t find(std::uint32_t hash, Equal same_key) const {
        return slots_[probe(hash, same_key)].value;
    }

  private:
    struct Slot {
        std::uint32_t hash;
        std::uint32_t value;
    };

    void resize(std::size_t wanted) {
        bits_ = 4;
        while ((std::size_t(1) << bits_) < wanted) ++bits_;
        slots_.assign(std::size_t(1) << bits_, Slot{0, none});
    }

    // Fibonacci hashing, so that dense keys (GMC numbers) spread over the table.
    std::size_t home(std::uint32_t hash) const {
        return std::size_t((std::uint64_t(hash) * 0x9E3779B97F4A7C15ULL) >> (64 - bits_));
    }

    template <typename Equal>
    std::size_t probe(std::uint32_t hash, Equal same_key) const {
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = home(hash);; i = (i + 1) & mask) {
            const Slot& s = slots_[i];
            if (s.value == none || (s.hash == hash && same_key(s.value))) return i;
        }
    }

    void grow() {
        std::vector<Slot> old = std::move(slots_);
        resize(old.size() * 2);
        const std::size_t mask = slots_.size() - 1;
        for (const Slot& s : old) {
            if (s.value == none) continue;
            std::size_t i = home(s.hash);
            while (slots_[i].value != none) i = (i + 1) & mask;
            slots_[i] = s;
        }
    }

    std::vector<Slot> slots_;
    unsigned bits_ = 4;
    std::size_t used_ = 0;
};

std::uint32_t hash_text(std::string_view s) {
    const std::size_t h = std::hash<std::string_view>{}(s);
    return std::uint32_t(h ^ (std::uint64_t(h) >> 32));
}

// Builds doctors and remembers which doctor each record belongs to (`none` = dropped).
class Grouper {
  public:
    explicit Grouper(const Inputs& in)
        : in_(in), gmc_doctor_(in.tis.size() + in.gmc.size()), tis_person_(in.tis.size()) {
        doctors.reserve(in.tis.size() + in.gmc.size());
        person_count.reserve(in.tis.size() + in.gmc.size());
    }

    // One pass: the later record of a repeated id takes the earlier one's place, which may
    // leave a doctor without records (dropped by sort_doctors).
    void add_persons() {
        person_owner.assign(in_.tis.size(), none);
        for (std::uint32_t i = 0; i < in_.tis.size(); ++i) {
            const TisPerson& p = in_.tis[i];
            if (!p.tis_person_id.empty()) {
                std::uint32_t& slot = tis_person_.find_or_insert(
                    hash_text(p.tis_person_id), i,
                    [&](std::uint32_t j) { return in_.tis[j].tis_person_id == p.tis_person_id; });
                if (slot != i) {
                    if (person_owner[slot] != none) --person_count[person_owner[slot]];
                    person_owner[slot] = none;
                    slot = i;
                }
            }
            if (auto gmc = usable_gmc_number(p.gmc_number)) {
                person_owner[i] = doctor_for_gmc(*gmc);
            } else if (!p.tis_person_id.empty()) {
                person_owner[i] = new_doctor(p.tis_person_id, false);
            }
            if (person_owner[i] != none) ++person_count[person_owner[i]];
        }
    }

    void add_gmc_rows() {
        for (std::uint32_t i = 0; i < in_.gmc.size(); ++i) {
            auto gmc = usable_gmc_number(in_.gmc[i].gmc_number);
            if (!gmc) continue;
            Doctor& d = doctors[doctor_for_gmc(*gmc)];
            if (d.gmc_row < 0 || !(in_.gmc[i].date_added < in_.gmc[d.gmc_row].date_added)) {
                d.gmc_row = std::int32_t(i);
            }
        }
    }

    std::uint32_t find_gmc(std::string_view raw) const {
        auto gmc = usable_gmc_number(raw);
        if (!gmc) return none;
        return gmc_doctor_.find(gmc_value(*gmc), [](std::uint32_t) { return true; });
    }

    std::uint32_t find_person_doctor(std::string_view id) const {
        if (id.empty()) return none;
        const std::uint32_t person = tis_person_.find(
            hash_text(id), [&](std::uint32_t j) { return in_.tis[j].tis_person_id == id; });
        return person == none ? none : person_owner[person];
    }

    std::vector<Doctor> doctors;
    std::vector<std::uint32_t> person_count;  ///< per doctor, while persons are added
    std::vector<std::uint32_t> person_owner;

  private:
    std::uint32_t new_doctor(std::string_view key, bool by_gmc) {
        Doctor d;
        d.key = key;
        d.by_gmc = by_gmc;
        doctors.push_back(d);
        person_count.push_back(0);
        return std::uint32_t(doctors.size() - 1);
    }

    // A GMC number's value is its own hash: equal hashes mean equal numbers.
    std::uint32_t doctor_for_gmc(std::string_view gmc) {
        std::uint32_t& slot = gmc_doctor_.find_or_insert(gmc_value(gmc), none - 1,
                                                         [](std::uint32_t) { return true; });
        if (slot == none - 1) slot = new_doctor(gmc, true);
        return slot;
    }

    const Inputs& in_;
    FlatIndex gmc_doctor_;
    FlatIndex tis_person_;
};

// Counting sort of record indices by owning doctor; keeps input order within a doctor.
void group(const std::vector<std::uint32_t>& owner, std::vector<Doctor>& doctors,
           Span Doctor::*field, std::vector<std::uint32_t>& flat) {
    for (std::uint32_t o : owner) {
        if (o != none) ++(doctors[o].*field).end;
    }
    std::uint32_t running = 0;
    for (Doctor& d : doctors) {
        const std::uint32_t count = (d.*field).end;
        (d.*field).begin = (d.*field).end = running;
        running += count;
    }
    flat.resize(running);
    for (std::uint32_t i = 0; i < owner.size(); ++i) {
        if (owner[i] != none) flat[(doctors[owner[i]].*field).end++] = i;
    }
}

template <typename Record>
void sort_by_date(std::vector<std::uint32_t>& flat, const std::vector<Doctor>& doctors,
                  Span Doctor::*field, const std::vector<Record>& records) {
    for (const Doctor& d : doctors) {
        const Span s = d.*field;
        if (s.size() < 2) continue;
        std::stable_sort(
            flat.begin() + s.begin, flat.begin() + s.end,
            [&](std::uint32_t a, std::uint32_t b) { return records[a].at < records[b].at; });
    }
}

// The first 8 bytes of a key, big-endian, zero-padded: ordering these integers agrees with
// ordering the keys wherever they differ, and sorting them avoids chasing the key pointers.
std::uint64_t key_prefix(std::string_view key) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 8; ++i) {
        v = (v << 8) | (i < key.size() ? std::uint8_t(key[i]) : 0u);
    }
    return v;
}

// Reorders doctors by key (GMC-keyed first on equal keys), drops those left with neither a
// TIS person nor a GMC row, and renumbers the owners to match.
void sort_doctors(std::vector<Doctor>& doctors, const std::vector<std::uint32_t>& person_count,
                  std::vector<std::uint32_t*> owners, std::vector<std::size_t> owner_sizes) {
    std::vector<std::pair<std::uint64_t, std::uint32_t>> order;
    order.reserve(doctors.size());
    for (std::uint32_t i = 0; i < doctors.size(); ++i) {
        if (person_count[i] > 0 || doctors[i].gmc_row >= 0) {
            order.emplace_back(key_prefix(doctors[i].key), i);
        }
    }
    std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
        if (a.first != b.first) return a.first < b.first;
        const Doctor& x = doctors[a.second];
        const Doctor& y = doctors[b.second];
        if (x.key != y.key) return x.key < y.key;
        return x.by_gmc > y.by_gmc;
    });
    std::vector<std::uint32_t> rank(doctors.size(), none);
    std::vector<Doctor> sorted(order.size());
    for (std::uint32_t pos = 0; pos < order.size(); ++pos) {
        rank[order[pos].second] = pos;
        sorted[pos] = doctors[order[pos].second];
    }
    doctors = std::move(sorted);
    for (std::size_t k = 0; k < owners.size(); ++k) {
        for (std::size_t i = 0; i < owner_sizes[k]; ++i) {
            if (owners[k][i] != none) owners[k][i] = rank[owners[k][i]];
        }
    }
}

}  // namespace

DoctorIndex build_doctor_index(const Inputs& in) {
    Grouper g(in);
    g.add_persons();
    g.add_gmc_rows();

    std::vector<std::uint32_t> action_owner(in.actions.size());
    for (std::size_t i = 0; i < in.actions.size(); ++i) {
        const ManualAction& a = in.actions[i];
        const std::uint32_t by_gmc = g.find_gmc(a.gmc_number);
        action_owner[i] = by_gmc != none ? by_gmc : g.find_person_doctor(a.tis_person_id);
    }
    std::vector<std::uint32_t> history_owner(in.history.size());
    for (std::size_t i = 0; i < in.history.size(); ++i) {
        history_owner[i] = g.find_gmc(in.history[i].gmc_number);
    }
    std::vector<std::uint32_t> request_owner(in.gmc_requests.size());
    for (std::size_t i = 0; i < in.gmc_requests.size(); ++i) {
        request_owner[i] = g.find_gmc(in.gmc_requests[i].gmc_number);
    }

    DoctorIndex index;
    index.doctors = std::move(g.doctors);
    sort_doctors(
        index.doctors, g.person_count,
        {g.person_owner.data(), action_owner.data(), history_owner.data(), request_owner.data()},
        {g.person_owner.size(), action_owner.size(), history_owner.size(), request_owner.size()});
    group(g.person_owner, index.doctors, &Doctor::persons, index.persons);
    group(action_owner, index.doctors, &Doctor::actions, index.actions);
    group(history_owner, index.doctors, &Doctor::history, index.history);
    group(request_owner, index.doctors, &Doctor::requests, index.requests);
    sort_by_date(index.actions, index.doctors, &Doctor::actions, in.actions);
    sort_by_date(index.requests, index.doctors, &Doctor::requests, in.gmc_requests);
    return index;
}

}  // namespace casegate::revalidation
