#include "reval/digest.hpp"

#include <algorithm>
#include <unordered_map>

namespace casegate::reval {
namespace {

namespace rv = revalidation;

class Collector {
  public:
    Collector(const std::vector<DigestOffice>& offices, const std::string& date) {
        digests_.resize(offices.size());
        for (std::size_t i = 0; i < offices.size(); ++i) {
            digests_[i].office_name = offices[i].name;
            digests_[i].date = date;
            by_body_[offices[i].designated_body].push_back(i);
        }
    }

    // The offices (indexes) behind a list of DB codes, each once; "*" is every office.
    std::vector<std::size_t> offices_of(const std::vector<std::string>& bodies) const {
        std::vector<std::size_t> out;
        for (const std::string& b : bodies) {
            if (b == rv::every_office) {
                out.clear();
                for (std::size_t i = 0; i < digests_.size(); ++i) out.push_back(i);
                return out;
            }
            if (auto it = by_body_.find(b); it != by_body_.end()) {
                out.insert(out.end(), it->second.begin(), it->second.end());
            }
        }
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        return out;
    }

    void add_new(const std::vector<std::size_t>& to, const std::optional<std::string>& gmc) {
        for (std::size_t i : to) push(digests_[i].new_discrepancies, digests_[i], gmc);
    }
    void add_resolved(const std::vector<std::size_t>& to, const std::optional<std::string>& gmc) {
        for (std::size_t i : to) push(digests_[i].resolved, digests_[i], gmc);
    }
    void add_open(const std::vector<std::size_t>& to) {
        for (std::size_t i : to) ++digests_[i].open_discrepancies;
    }
    void add_failed(const std::vector<std::size_t>& to, const notifier::RevalFailedRequest& r) {
        for (std::size_t i : to) digests_[i].failed_requests.push_back(r);
    }

    std::vector<notifier::RevalDigest> finish() && {
        for (auto& d : digests_) {
            for (auto* v : {&d.new_discrepancies, &d.resolved}) std::sort(v->begin(), v->end());
            std::sort(d.failed_requests.begin(), d.failed_requests.end(),
                      [](const auto& a, const auto& b) { return a.gmc_number < b.gmc_number; });
        }
        return std::move(digests_);
    }

  private:
    static void push(std::vector<std::string>& list, notifier::RevalDigest& d,
                     const std::optional<std::string>& gmc) {
        if (gmc) {
            list.push_back(*gmc);
        } else {
            ++d.without_gmc_number;
        }
    }

    std::vector<notifier::RevalDigest> digests_;
    std::unordered_map<std::string, std::vector<std::size_t>> by_body_;
};

std::vector<std::string> editable_bodies(const rv::Classification& c) {
    std::vector<std::string> out;
    for (const rv::Visibility& v : c.visible_to) {
        if (v.editable) out.push_back(v.designated_body);
    }
    return out;
}

}  // namespace

std::vector<notifier::RevalDigest> build_digests(
    const std::vector<storage::ClassificationSummary>& before,
    const std::vector<rv::Classification>& now, const std::vector<DigestOffice>& offices,
    const std::string& date) {
    Collector out(offices, date);
    std::unordered_map<std::string_view, const storage::ClassificationSummary*> previous;
    previous.reserve(before.size());
    for (const auto& s : before) previous.emplace(s.key, &s);

    for (const rv::Classification& c : now) {
        const storage::ClassificationSummary* p = nullptr;
        if (auto it = previous.find(c.key); it != previous.end()) {
            p = it->second;
            previous.erase(it);
        }
        const bool was_discrepancy = p != nullptr && p->list == "discrepancy";
        const std::vector<std::size_t> seen_by = out.offices_of(editable_bodies(c));
        if (c.list == rv::List::discrepancy) {
            out.add_open(seen_by);
            if (!was_discrepancy) out.add_new(seen_by, c.gmc_number);
        } else if (was_discrepancy) {
            out.add_resolved(out.offices_of(p->editable_bodies), c.gmc_number);
        }
        if (c.gmc_request) {
            const rv::GmcRequestStatus& r = *c.gmc_request;
            const std::string state(rv::to_string(r.state));
            const bool reported = p != nullptr && p->request_client_id == r.client_request_id &&
                                  p->request_state == state;
            if (!reported) {
                std::vector<std::size_t> to = out.offices_of({r.designated_body});
                if (to.empty()) to = seen_by;
                out.add_failed(to, {c.gmc_number.value_or(c.key),
                                    std::string(rv::to_string(r.action)), r.designated_body, state,
                                    r.return_code ? std::to_string(*r.return_code) : ""});
            }
        }
    }
    // Doctors gone from the data altogether: a discrepancy of theirs is resolved.
    for (const auto& [key, p] : previous) {
        if (p->list == "discrepancy")
            out.add_resolved(out.offices_of(p->editable_bodies), p->gmc_number);
    }
    return std::move(out).finish();
}

bool has_news(const notifier::RevalDigest& d) {
    return !d.new_discrepancies.empty() || !d.resolved.empty() || !d.failed_requests.empty() ||
           d.without_gmc_number > 0;
}

}  // namespace casegate::reval
