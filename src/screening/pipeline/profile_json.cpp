#include "screening/pipeline/profile_json.h"

#include <cstdio>

namespace hirelm::screening {
namespace {

using json = nlohmann::json;

template <typename T>
json opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

template <typename T>
std::optional<T> get_opt(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<T>();
}

std::string get_str(const json& j, const char* key) {
  auto it = j.find(key);
  return it == j.end() || it->is_null() ? std::string() : it->get<std::string>();
}

std::vector<std::string> get_strings(const json& j, const char* key) {
  auto it = j.find(key);
  return it == j.end() || it->is_null() ? std::vector<std::string>{} : it->get<std::vector<std::string>>();
}

}  // namespace

json profile_to_json(const profile::Profile& p) {
  json j;
  j["name"] = opt(p.name);
  j["email"] = opt(p.email);
  j["phone"] = opt(p.phone);
  j["years_of_experience"] = opt(p.years_of_experience);
  j["years_stated"] = opt(p.years_stated);
  j["highest_degree"] = opt(p.highest_degree);
  j["degree_raw"] = p.degree_raw;
  j["tech_stack"] = {{"languages", p.tech_stack.languages}, {"frameworks", p.tech_stack.frameworks}};
  j["projects"] = json::array();
  for (const auto& pr : p.projects) j["projects"].push_back({{"name", pr.name}, {"summary", pr.summary}});
  j["education"] = json::array();
  for (const auto& e : p.education) {
    j["education"].push_back(
        {{"school", e.school}, {"degree", e.degree}, {"major", e.major}, {"start", e.start}, {"end", e.end}});
  }
  j["work_history"] = json::array();
  for (const auto& w : p.work_history) {
    j["work_history"].push_back(
        {{"company", w.company}, {"title", w.title}, {"start", w.start}, {"end", w.end}, {"summary", w.summary}});
  }
  j["flags"] = p.flags;
  return j;
}

profile::Profile profile_from_json(const json& j) {
  profile::Profile p;
  p.name = get_opt<std::string>(j, "name");
  p.email = get_opt<std::string>(j, "email");
  p.phone = get_opt<std::string>(j, "phone");
  p.years_of_experience = get_opt<double>(j, "years_of_experience");
  p.years_stated = get_opt<double>(j, "years_stated");
  p.highest_degree = get_opt<std::string>(j, "highest_degree");
  p.degree_raw = get_str(j, "degree_raw");
  if (auto ts = j.find("tech_stack"); ts != j.end() && ts->is_object()) {
    p.tech_stack.languages = get_strings(*ts, "languages");
    p.tech_stack.frameworks = get_strings(*ts, "frameworks");
  }
  if (auto a = j.find("projects"); a != j.end() && a->is_array()) {
    for (const auto& x : *a) p.projects.push_back({get_str(x, "name"), get_str(x, "summary")});
  }
  if (auto a = j.find("education"); a != j.end() && a->is_array()) {
    for (const auto& x : *a) {
      p.education.push_back({get_str(x, "school"), get_str(x, "degree"), get_str(x, "major"), get_str(x, "start"),
                             get_str(x, "end")});
    }
  }
  if (auto a = j.find("work_history"); a != j.end() && a->is_array()) {
    for (const auto& x : *a) {
      p.work_history.push_back({get_str(x, "company"), get_str(x, "title"), get_str(x, "start"), get_str(x, "end"),
                                get_str(x, "summary")});
    }
  }
  p.flags = get_strings(j, "flags");
  return p;
}

std::string profile_summary(const profile::Profile& p, bool zh) {
  std::string s;
  if (p.highest_degree) s += std::string(zh ? "- 最高学历：" : "- Highest degree: ") + *p.highest_degree + "\n";
  if (p.years_of_experience) {
    char buf[64];
    std::snprintf(buf, sizeof buf, zh ? "- 工作年限：%.1f 年\n" : "- Years of experience: %.1f\n", *p.years_of_experience);
    s += buf;
  }
  const auto stack = p.tech_stack_flat();
  if (!stack.empty()) {
    s += zh ? "- 技术栈：" : "- Tech stack: ";
    for (size_t i = 0; i < stack.size(); ++i) s += (i ? ", " : "") + stack[i];
    s += "\n";
  }
  for (const auto& pr : p.projects) s += std::string(zh ? "- 项目：" : "- Project: ") + pr.name + " - " + pr.summary + "\n";
  return s;
}

}  // namespace hirelm::screening
