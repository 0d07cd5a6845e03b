// Runs tests/support/fake_gmc.py on a free loopback port for one test, in a private directory.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/support/harness.hpp"

namespace casegate::testing {

class FakeGmc {
  public:
    /// Starts the server with `state_json` as its state file; waits until it listens.
    explicit FakeGmc(const std::string& state_json);
    ~FakeGmc();
    FakeGmc(const FakeGmc&) = delete;
    FakeGmc& operator=(const FakeGmc&) = delete;

    /// http://127.0.0.1:PORT
    const std::string& url() const { return url_; }
    /// The state file as it is now (TryAdd/TryRemove change it).
    std::string state() const;
    /// Replaces the state file.
    void set_state(const std::string& state_json) const;
    /// Every request logged so far, one JSON object per element.
    std::vector<std::string> requests() const;

  private:
    std::string dir_;
    std::string url_;
    std::unique_ptr<e2e::Process> process_;
};

}  // namespace casegate::testing
