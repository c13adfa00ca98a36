#include "api_fixture.h"

#include "auth/auth_store.h"
#include "auth/password_hash.h"
#include "screening/db/connection.h"

namespace hirelm::api::testing {

void ApiFixture::SetUp() {
  BackendTest::SetUp();
  if (IsSkipped() || HasFatalFailure()) return;
  spec_ = fresh_spec();
  ApiOptions options;
  options.db_spec = spec_;
  options.max_upload_bytes = 64 * 1024;
  options.max_upload_files = 10;
  options.events_poll_ms = 20;
  options.events_ping_ms = 1000;
  configure(options);
  api_ = std::make_unique<ScreeningApi>(options);
  {
    auto db = db::open(spec_);
    auth::AuthStoreOptions auth_options;
    auth_options.password_cost = auth::kMinimumCost;
    auth::AuthStore users(*db, auth_options);
    auto token = [&](const char* name, auth::Role role) {
      const auth::User u = users.create_user(name, "password-" + std::string(name), role, "test");
      return users.create_api_token(u.id, "test").secret;
    };
    admin_ = token("admin", auth::Role::kAdmin);
    recruiter_ = token("recruiter", auth::Role::kRecruiter);
    viewer_ = token("viewer", auth::Role::kViewer);
  }
  server_ = std::make_unique<server::HttpServer>(server::HttpServerOptions{64u << 20, {}, {}});
  api_->register_routes(*server_);
  const int port = port_ = server_->bind("127.0.0.1", 0);
  thread_ = std::thread([this] { server_->serve(); });
  client_ = std::make_unique<httplib::Client>("127.0.0.1", port);
  client_->set_read_timeout(30, 0);
  for (int i = 0; i < 200 && !server_->running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

void ApiFixture::TearDown() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
  client_.reset();
  server_.reset();
  api_.reset();
}

httplib::Result ApiFixture::get(const std::string& path, const std::string& token) {
  return client_->Get(path.c_str(), auth(token));
}

httplib::Result ApiFixture::post_json(const std::string& path, const Json& body, const std::string& token) {
  return client_->Post(path.c_str(), auth(token), body.dump(), "application/json");
}

httplib::Result ApiFixture::put_json(const std::string& path, const Json& body, const std::string& token) {
  return client_->Put(path.c_str(), auth(token), body.dump(), "application/json");
}

httplib::Result ApiFixture::del(const std::string& path, const std::string& token, const std::string& body) {
  return client_->Delete(path.c_str(), auth(token), body, "application/json");
}

httplib::Result ApiFixture::upload(const std::string& path, const std::vector<FilePart>& files, const std::string& token) {
  httplib::MultipartFormDataItems items;
  for (const auto& f : files) items.push_back({"files", f.content, f.filename, "application/octet-stream"});
  return client_->Post(path.c_str(), auth(token), items);
}

int64_t ApiFixture::create_job(const std::string& title) {
  auto r = post_json("/api/jobs",
                     {{"title", title},
                      {"description", "We build distributed storage in C++ and Go."},
                      {"must_have", {"3+ years of C++", "Bachelor's degree"}},
                      {"criteria", {{{"name", "skills"}, {"weight", 3}}, {{"name", "experience"}, {"weight", 2}}}}},
                     recruiter_);
  EXPECT_TRUE(r);
  if (!r) return 0;
  EXPECT_EQ(r->status, 201) << r->body;
  return Json::parse(r->body)["job"]["id"].get<int64_t>();
}

std::string error_code(const httplib::Result& result) {
  if (!result) return "";
  const Json body = Json::parse(result->body, nullptr, false);
  if (!body.is_object() || !body.contains("error") || !body["error"].is_object()) return "";
  if (!body["error"].contains("message") || !body["error"]["message"].is_string()) return "";
  return body["error"].value("code", "");
}

namespace {

uint32_t crc32(std::string_view data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char ch : data) {
    crc ^= ch;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

void put16(std::string& out, uint32_t v) {
  out += static_cast<char>(v & 0xFF);
  out += static_cast<char>((v >> 8) & 0xFF);
}
void put32(std::string& out, uint32_t v) {
  put16(out, v & 0xFFFF);
  put16(out, v >> 16);
}

}  // namespace

std::string make_zip(const std::vector<FilePart>& files) {
  std::string out, central;
  for (const auto& f : files) {
    const uint32_t offset = static_cast<uint32_t>(out.size());
    const uint32_t crc = crc32(f.content);
    const auto size = static_cast<uint32_t>(f.content.size());
    put32(out, 0x04034b50);
    put16(out, 20);
    put16(out, 0);
    put16(out, 0);  // stored
    put16(out, 0);
    put16(out, 0x21);
    put32(out, crc);
    put32(out, size);
    put32(out, size);
    put16(out, static_cast<uint32_t>(f.filename.size()));
    put16(out, 0);
    out += f.filename;
    out += f.content;
    put32(central, 0x02014b50);
    put16(central, 20);
    put16(central, 20);
    put16(central, 0);
    put16(central, 0);
    put16(central, 0);
    put16(central, 0x21);
    put32(central, crc);
    put32(central, size);
    put32(central, size);
    put16(central, static_cast<uint32_t>(f.filename.size()));
    put16(central, 0);
    put16(central, 0);
    put16(central, 0);
    put16(central, 0);
    put32(central, 0);
    put32(central, offset);
    central += f.filename;
  }
  const uint32_t central_offset = static_cast<uint32_t>(out.size());
  out += central;
  put32(out, 0x06054b50);
  put16(out, 0);
  put16(out, 0);
  put16(out, static_cast<uint32_t>(files.size()));
  put16(out, static_cast<uint32_t>(files.size()));
  put32(out, static_cast<uint32_t>(central.size()));
  put32(out, central_offset);
  put16(out, 0);
  return out;
}

std::string resume_text(const std::string& name, const std::string& extra) {
  return name + "\nEmail: " + name.substr(0, name.find(' ')) + "@example.com\n\n"
         "Senior software engineer with eight years of experience building distributed storage systems in C++ "
         "and Go. Led the design of a replicated key-value store serving millions of requests per second. "
         "Bachelor of Science in Computer Science, 2015.\n" + extra + "\n";
}

}  // namespace hirelm::api::testing
