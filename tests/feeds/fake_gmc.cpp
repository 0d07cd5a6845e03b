#include "tests/feeds/fake_gmc.hpp"

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace casegate::testing {

namespace fs = std::filesystem;

namespace {
std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
}  // namespace

FakeGmc::FakeGmc(const std::string& state_json) {
    std::string tmpl = (fs::temp_directory_path() / "cg-fake-gmc-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    set_state(state_json);
    std::ofstream(dir_ + "/requests.jsonl").flush();
    process_ = std::make_unique<e2e::Process>(std::vector<std::string>{
        "/usr/bin/python3", std::string(CASEGATE_SOURCE_DIR) + "/tests/support/fake_gmc.py",
        "--state", dir_ + "/state.json", "--log", dir_ + "/requests.jsonl", "--port-file",
        dir_ + "/port"});
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (!fs::exists(dir_ + "/port")) {
        if (std::chrono::steady_clock::now() > until) {
            throw std::runtime_error("fake GMC server did not start");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    url_ = "http://127.0.0.1:" + slurp(dir_ + "/port");
}

FakeGmc::~FakeGmc() {
    process_.reset();  // SIGKILL and reap
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

std::string FakeGmc::state() const {
    return slurp(dir_ + "/state.json");
}

void FakeGmc::set_state(const std::string& state_json) const {
    const std::string tmp = dir_ + "/state.json.new";
    std::ofstream(tmp, std::ios::binary) << state_json;
    fs::rename(tmp, dir_ + "/state.json");
}

std::vector<std::string> FakeGmc::requests() const {
    std::vector<std::string> out;
    std::istringstream in(slurp(dir_ + "/requests.jsonl"));
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) out.push_back(line);
    }
    return out;
}

}  // namespace casegate::testing
