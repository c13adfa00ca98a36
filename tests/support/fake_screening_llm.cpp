// hirelm_fake_llm: a standalone OpenAI-compatible server that answers our three screening prompts the way
// DeepSeek-R1 would, for tests of whole processes (workers, serve, the web UI) and the queue benchmark.
//
//   hirelm_fake_llm [--host 127.0.0.1] [--port 0] [--delay-ms N] [--threads N]
//
// Prints "listening on PORT" (one line, flushed) to stdout once it accepts connections; serves until SIGINT or
// SIGTERM. Routes: POST /v1/chat/completions, GET /v1/models, GET /health.
//
// The stage is told from the request (as the screening prompts in prompts/{en,zh} write it): a request with
// response_format (a JSON schema) is the profile stage; one whose prompt asks for \boxed{} is the score stage;
// anything else is feedback. The resume is the text after the last "Resume:" / "简历：" line (it is the last
// placeholder of every prompt). Everything in an answer is derived from the resume text alone, so the same
// resume always gets the same answers:
//   profile: name = the first non-empty line (a "Name:" label stripped), the first e-mail address and phone
//            number in the text, years from "N years", a degree from keywords, known languages/frameworks;
//   score:   reasoning in reasoning_content, then one "<criterion>: n" line per criterion of the prompt with a
//            verbatim evidence quote, "must_have k: pass|fail", and \boxed{N} with N in 0..10 from a hash of the
//            resume text (so rankings differ between resumes);
//   feedback: a short paragraph naming the candidate.
// A resume containing "FAKE_LLM_FAIL" gets HTTP 500 for every request (tests of model failures).
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "llm/scripted_llm_server.h"

namespace {

using nlohmann::json;

httplib::Server* g_server = nullptr;

void on_signal(int) {
  if (g_server) g_server->stop();
}

std::string trim(std::string s) {
  const char* ws = " \t\r\n";
  const size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at <= text.size()) {
    const size_t nl = text.find('\n', at);
    out.push_back(text.substr(at, nl == std::string::npos ? std::string::npos : nl - at));
    if (nl == std::string::npos) break;
    at = nl + 1;
  }
  return out;
}

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

// The resume: everything after the last "Resume:" or "简历：" line of the prompt.
std::string resume_of(const std::string& prompt) {
  size_t best = std::string::npos;
  size_t skip = 0;
  for (const char* label : {"\nResume:\n", "\n简历：\n"}) {
    const size_t p = prompt.rfind(label);
    if (p != std::string::npos && (best == std::string::npos || p > best)) {
      best = p;
      skip = std::strlen(label);
    }
  }
  return best == std::string::npos ? prompt : prompt.substr(best + skip);
}

// The first non-empty line, without a "Name:" / "姓名：" label.
std::string name_of(const std::string& resume) {
  for (const auto& raw : lines_of(resume)) {
    std::string line = trim(raw);
    if (line.empty()) continue;
    for (const char* label : {"Name:", "name:", "姓名：", "姓名:"}) {
      if (line.rfind(label, 0) == 0) line = trim(line.substr(std::strlen(label)));
    }
    while (!line.empty() && line[0] == '#') line = trim(line.substr(1));
    if (line.size() > 60) {
      // Cut at 60 bytes, then back to the start of the UTF-8 sequence the cut fell into (dropping it), so a
      // name never ends in half a character. An uncut line is kept whole.
      size_t cut = 60;
      while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
      line.resize(cut);
    }
    return line;
  }
  return "";
}

std::optional<std::string> first_match(const std::string& text, const std::regex& re) {
  std::smatch m;
  if (std::regex_search(text, m, re)) return m.str(0);
  return std::nullopt;
}

json profile_answer(const std::string& resume) {
  static const std::regex kEmail(R"([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})");
  static const std::regex kPhone(R"(\+?[0-9][0-9 -]{7,16}[0-9])");
  static const std::regex kYears(R"(([0-9]{1,2})\+? *(years|年))");
  json j;
  const std::string name = name_of(resume);
  j["name"] = name.empty() ? json(nullptr) : json(name);
  const auto email = first_match(resume, kEmail);
  j["email"] = email ? json(*email) : json(nullptr);
  const auto phone = first_match(resume, kPhone);
  j["phone"] = phone ? json(*phone) : json(nullptr);
  std::smatch m;
  if (std::regex_search(resume, m, kYears)) {
    j["years_of_experience"] = std::stoi(m.str(1));
  } else {
    j["years_of_experience"] = nullptr;
  }
  json degree = nullptr;
  std::string degree_raw;
  for (auto [word, value] : std::initializer_list<std::pair<const char*, const char*>>{
           {"PhD", "博士"}, {"博士", "博士"}, {"Master", "硕士"}, {"M.Sc", "硕士"}, {"硕士", "硕士"},
           {"Bachelor", "本科"}, {"B.Sc", "本科"}, {"本科", "本科"}, {"大专", "大专"}}) {
    if (resume.find(word) != std::string::npos) {
      degree = value;
      degree_raw = word;
      break;
    }
  }
  j["highest_degree"] = degree;
  j["degree_raw"] = degree_raw;
  json languages = json::array();
  json frameworks = json::array();
  for (const char* lang : {"C++", "Python", "Java", "Go", "Rust", "SQL", "JavaScript", "TypeScript"}) {
    if (resume.find(lang) != std::string::npos) languages.push_back(lang);
  }
  for (const char* fw : {"PostgreSQL", "Kubernetes", "Docker", "React", "Spring", "gRPC", "Linux"}) {
    if (resume.find(fw) != std::string::npos) frameworks.push_back(fw);
  }
  j["tech_stack"] = {{"languages", languages}, {"frameworks", frameworks}};
  j["projects"] = json::array();
  j["education"] = json::array();
  j["work_history"] = json::array();
  return j;
}

// The criterion names listed in a score prompt: "- name (weight W)" or "- name（权重 W）" lines.
std::vector<std::string> criteria_of(const std::string& prompt) {
  std::vector<std::string> out;
  for (const auto& line : lines_of(prompt.substr(0, prompt.size() - resume_of(prompt).size()))) {
    if (line.rfind("- ", 0) != 0) continue;
    for (const char* sep : {" (weight ", "（权重 "}) {
      const size_t p = line.find(sep);
      if (p != std::string::npos) out.push_back(line.substr(2, p - 2));
    }
  }
  return out;
}

// Number of must-have lines ("1. ...", "2. ...") in a score prompt, before the resume.
int must_haves_of(const std::string& prompt) {
  const std::string head = prompt.substr(0, prompt.size() - resume_of(prompt).size());
  int n = 0;
  for (const auto& line : lines_of(head)) {
    if (line.rfind(std::to_string(n + 1) + ". ", 0) == 0) ++n;
  }
  return n;
}

// A verbatim quote from the resume: the longest of its first lines, trimmed, at most 60 bytes of whole words.
std::string evidence_of(const std::string& resume) {
  std::string best;
  int seen = 0;
  for (const auto& raw : lines_of(resume)) {
    std::string line = trim(raw);
    if (line.empty()) continue;
    if (++seen > 6) break;
    if (line.find('"') != std::string::npos) continue;
    if (line.size() > best.size()) best = line;
  }
  if (best.size() > 60) {
    const size_t cut = best.rfind(' ', 60);
    best = best.substr(0, cut == std::string::npos || cut < 10 ? 0 : cut);
  }
  return best;
}

std::string score_answer(const std::string& prompt, const std::string& resume, int total) {
  const bool zh = prompt.find("\n简历：\n") != std::string::npos;
  std::string answer;
  const std::string quote = evidence_of(resume);
  std::vector<std::string> criteria = criteria_of(prompt);
  for (size_t i = 0; i < criteria.size(); ++i) {
    const int s = std::max(0, std::min(10, total + static_cast<int>(i % 3) - 1));
    answer += criteria[i] + ": " + std::to_string(s) + "\n";
    if (!quote.empty()) answer += zh ? "证据：「" + quote + "」\n" : "evidence: \"" + quote + "\"\n";
  }
  const int musts = must_haves_of(prompt);
  for (int k = 1; k <= musts; ++k) {
    const bool pass = ((fnv1a(resume) >> k) & 3) != 0;
    answer += zh ? "必备 " + std::to_string(k) + "：" + (pass ? "满足" : "不满足") + "\n"
                 : "must_have " + std::to_string(k) + ": " + (pass ? "pass" : "fail") + "\n";
  }
  answer += (zh ? "总分：\\boxed{" : "Final score: \\boxed{") + std::to_string(total) + "}";
  return answer;
}

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  int delay_ms = 0;
  int threads = 16;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr, "hirelm_fake_llm: %s\nusage: hirelm_fake_llm [--host H] [--port P] [--delay-ms N] [--threads N]\n", why);
  std::exit(2);
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value for " + a).c_str());
      return argv[++i];
    };
    auto number = [&](int lo, int hi) {
      const std::string v = value();
      char* end = nullptr;
      const long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n < lo || n > hi) usage((a + ": bad number '" + v + "'").c_str());
      return static_cast<int>(n);
    };
    if (a == "--host") {
      o.host = value();
    } else if (a == "--port") {
      o.port = number(0, 65535);
    } else if (a == "--delay-ms") {
      o.delay_ms = number(0, 600000);
    } else if (a == "--threads") {
      o.threads = number(1, 256);
    } else {
      usage(("unknown option " + a).c_str());
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_options(argc, argv);
  httplib::Server server;
  std::atomic<int64_t> requests{0};
  server.new_task_queue = [&] { return new httplib::ThreadPool(static_cast<size_t>(options.threads)); };

  server.Get("/health", [](const httplib::Request&, httplib::Response& res) { res.set_content("{}", "application/json"); });
  server.Get("/v1/models", [](const httplib::Request&, httplib::Response& res) {
    const json body = {{"object", "list"},
                       {"data", {{{"id", "fake-r1"}, {"object", "model"}, {"owned_by", "hirelm-test"}}}}};
    res.set_content(body.dump(), "application/json");
  });
  server.Post("/v1/chat/completions", [&](const httplib::Request& req, httplib::Response& res) {
    ++requests;
    const json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("messages")) {
      res.status = 400;
      res.set_content(R"({"error":{"message":"expected a chat completion request","type":"invalid_request_error"}})",
                      "application/json");
      return;
    }
    if (options.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(options.delay_ms));
    const std::string prompt = hirelm::test::request_text(body);
    const std::string resume = resume_of(prompt);
    if (resume.find("FAKE_LLM_FAIL") != std::string::npos) {
      res.status = 500;
      res.set_content(R"({"error":{"message":"scripted failure","type":"server_error"}})", "application/json");
      return;
    }
    const int total = static_cast<int>(fnv1a(resume) % 11);
    const std::string name = name_of(resume);
    const int prompt_tokens = static_cast<int>(prompt.size() / 4);
    std::string reply;
    if (body.contains("response_format")) {
      reply = hirelm::test::r1_completion("The resume lists the contact details near the top; copying them.",
                                          profile_answer(resume).dump(), "stop",
                                          hirelm::test::ReasoningStyle::kReasoningContent, prompt_tokens, 120);
    } else if (prompt.find("\\boxed{") != std::string::npos) {
      reply = hirelm::test::r1_completion(
          "Let me weigh the skills, experience and education of " + name + ". Maybe \\boxed{" +
              std::to_string(10 - total) + "}? No: on reflection the total is " + std::to_string(total) + ".",
          score_answer(prompt, resume, total), "stop", hirelm::test::ReasoningStyle::kReasoningContent,
          prompt_tokens, 400);
    } else {
      reply = hirelm::test::r1_completion(
          "Writing balanced feedback.",
          "Thank you, " + name + ", for your application. Your resume shows relevant experience. We suggest adding "
          "measurable results to your project descriptions. We see good potential for growth in this role.",
          "stop", hirelm::test::ReasoningStyle::kReasoningContent, prompt_tokens, 150);
    }
    res.set_content(reply, "application/json");
  });

  const int port = options.port == 0 ? server.bind_to_any_port(options.host) : options.port;
  if (options.port != 0 && !server.bind_to_port(options.host, options.port)) {
    std::fprintf(stderr, "hirelm_fake_llm: cannot bind %s:%d\n", options.host.c_str(), options.port);
    return 1;
  }
  if (port <= 0) {
    std::fprintf(stderr, "hirelm_fake_llm: cannot bind %s\n", options.host.c_str());
    return 1;
  }
  g_server = &server;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  std::atomic<bool> finished{false};
  std::thread announce([&] {
    while (!server.is_running()) {
      if (finished.load()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::printf("listening on %d\n", port);
    std::fflush(stdout);
  });
  server.listen_after_bind();
  finished = true;
  announce.join();
  std::fprintf(stderr, "hirelm_fake_llm: stopped after %lld requests\n", static_cast<long long>(requests.load()));
  return 0;
}
