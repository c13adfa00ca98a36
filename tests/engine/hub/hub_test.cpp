// The hub client against a local fake hub: fresh download into the HF cache layout, cache reuse with
// the server gone, resume of a partial download, checksum mismatch, token handling, 404s.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "engine/formats/temp_dir.h"
#include "engine/hub/checksum.h"
#include "engine/hub/fake_hub.h"
#include "engine/hub/hf_cache.h"
#include "engine/hub/hub.h"
#include "util/error.h"
#include "util/mapped_file.h"

namespace fs = std::filesystem;

namespace hirelm::hub {
namespace {

constexpr const char* kRepo = "acme/tiny";

std::string weights() {
  std::string w(300000, '\0');
  for (size_t k = 0; k < w.size(); ++k) w[k] = static_cast<char>((k * 7919) % 251);
  return w;
}

class HubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hub_.add_file(kRepo, "config.json", R"({"model_type": "qwen2"})", false);
    hub_.add_file(kRepo, "tokenizer.json", R"({"model": {}})", false);
    hub_.add_file(kRepo, "model.safetensors", weights(), true);
    hub_.add_file(kRepo, "tiny-Q8_0.gguf", "GGUF" + std::string(1000, 'x'), true);
    options_.endpoint = hub_.endpoint();
    options_.cache_dir = home_.path() + "/hub";
    options_.progress = false;
  }

  std::string repo_dir() const { return options_.cache_dir + "/models--acme--tiny"; }

  test::TempDir home_;
  test::FakeHub hub_;
  HubOptions options_;
};

TEST_F(HubTest, FreshDownloadFillsTheHfCacheLayout) {
  const std::string dir = resolve_model("hf:acme/tiny", options_);
  EXPECT_EQ(dir, repo_dir() + "/snapshots/" + test::FakeHub::kCommit);
  EXPECT_EQ(read_file(dir + "/config.json"), R"({"model_type": "qwen2"})");
  EXPECT_EQ(read_file(dir + "/tokenizer.json"), R"({"model": {}})");
  EXPECT_EQ(read_file(dir + "/model.safetensors"), weights());
  EXPECT_FALSE(fs::exists(dir + "/generation_config.json"));
  // Snapshot entries are relative symlinks into blobs/ETAG; refs/main names the commit.
  EXPECT_TRUE(fs::is_symlink(dir + "/model.safetensors"));
  EXPECT_EQ(fs::read_symlink(dir + "/model.safetensors").string(),
            "../../blobs/" + hub_.file(kRepo, "model.safetensors").etag);
  EXPECT_TRUE(fs::exists(repo_dir() + "/blobs/" + hub_.file(kRepo, "config.json").etag));
  EXPECT_EQ(read_file(repo_dir() + "/refs/main"), test::FakeHub::kCommit);
  // Optional files the repo lacks are remembered, so a later run needs no network for them.
  EXPECT_TRUE(fs::exists(repo_dir() + "/.no_exist/" + std::string(test::FakeHub::kCommit) + "/generation_config.json"));
  EXPECT_EQ(hub_.authorizations().front(), "");  // no token configured, none sent
}

TEST_F(HubTest, CacheIsReusedWithTheServerStopped) {
  const std::string dir = resolve_model("hf:acme/tiny", options_);
  const std::string gguf = resolve_model("hf:acme/tiny:tiny-Q8_0.gguf", options_);
  hub_.stop();
  const int before = hub_.requests.load();
  EXPECT_EQ(resolve_model("hf:acme/tiny", options_), dir);
  EXPECT_EQ(resolve_model("hf:acme/tiny:tiny-Q8_0.gguf", options_), gguf);
  EXPECT_EQ(read_file(gguf).substr(0, 4), "GGUF");
  EXPECT_EQ(hub_.requests.load(), before);
  // A file that is not cached needs the network, which is gone: a clear IoError.
  try {
    resolve_model("hf:acme/tiny:other.gguf", options_);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("huggingface-cli download acme/tiny"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--model PATH"), std::string::npos) << e.what();
  }
  options_.offline = true;
  EXPECT_THROW(resolve_model("hf:acme/tiny:other.gguf", options_), IoError);
}

TEST_F(HubTest, PartialDownloadIsResumedWithRange) {
  const std::string w = weights();
  const std::string etag = hub_.file(kRepo, "model.safetensors").etag;
  fs::create_directories(repo_dir() + "/blobs");
  {
    std::ofstream partial(repo_dir() + "/blobs/" + etag + ".incomplete", std::ios::binary);
    partial << w.substr(0, 123456);
  }
  auto path = fetch_file(kRepo, "model.safetensors", options_);
  ASSERT_TRUE(path.has_value());
  EXPECT_EQ(read_file(*path), w);
  ASSERT_FALSE(hub_.ranges().empty());
  EXPECT_EQ(hub_.ranges().back(), "bytes=123456-");
  EXPECT_FALSE(fs::exists(repo_dir() + "/blobs/" + etag + ".incomplete"));
}

TEST_F(HubTest, ChecksumMismatchIsDetectedAndNothingIsPublished) {
  std::string& etag = hub_.file(kRepo, "model.safetensors").etag;
  etag = std::string(64, 'a');  // the hub advertises a hash the content does not have
  try {
    fetch_file(kRepo, "model.safetensors", options_);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("expected sha256 " + etag), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(repo_dir() + "/blobs/" + etag));
  EXPECT_FALSE(fs::exists(repo_dir() + "/blobs/" + etag + ".incomplete"));
  EXPECT_FALSE(fs::exists(repo_dir() + "/snapshots/" + std::string(test::FakeHub::kCommit) + "/model.safetensors"));
}

TEST_F(HubTest, TokenIsSentAndRequiredForPrivateRepos) {
  hub_.add_file("acme/secret", "config.json", "{}", false);
  hub_.add_file("acme/secret", "model.safetensors", weights(), true);
  hub_.make_private("acme/secret", "hf_s3cret");
  try {
    resolve_model("hf:acme/secret", options_);
    FAIL() << "expected NotFoundError";
  } catch (const NotFoundError& e) {
    EXPECT_NE(std::string(e.what()).find("HTTP 401"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("HF_TOKEN"), std::string::npos) << e.what();
  }
  options_.token = "hf_s3cret";
  const std::string dir = resolve_model("hf:acme/secret", options_);
  EXPECT_EQ(read_file(dir + "/config.json"), "{}");
  EXPECT_EQ(hub_.authorizations().back(), "Bearer hf_s3cret");
}

TEST_F(HubTest, MissingFilesAndReposAreNotFound) {
  EXPECT_THROW(resolve_model("hf:acme/tiny:nope.gguf", options_), NotFoundError);
  EXPECT_THROW(resolve_model("hf:acme/absent", options_), NotFoundError);
  hub_.add_file("acme/noweights", "config.json", "{}", false);
  EXPECT_THROW(resolve_model("hf:acme/noweights", options_), NotFoundError);
}

TEST_F(HubTest, ShardedRepoFetchesEveryShard) {
  hub_.add_file("acme/sharded", "config.json", "{}", false);
  hub_.add_file("acme/sharded", "model.safetensors.index.json",
                R"({"weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}})",
                false);
  hub_.add_file("acme/sharded", "model-00001-of-00002.safetensors", "shard one", true);
  hub_.add_file("acme/sharded", "model-00002-of-00002.safetensors", "shard two", true);
  const std::string dir = resolve_model("hf:acme/sharded", options_);
  EXPECT_EQ(read_file(dir + "/model-00001-of-00002.safetensors"), "shard one");
  EXPECT_EQ(read_file(dir + "/model-00002-of-00002.safetensors"), "shard two");
}

TEST_F(HubTest, RenamedRepoRedirectIsFollowed) {
  hub_.rename("acme/old-name", kRepo);
  auto path = fetch_file("acme/old-name", "tiny-Q8_0.gguf", options_);
  ASSERT_TRUE(path.has_value());
  EXPECT_EQ(read_file(*path), "GGUF" + std::string(1000, 'x'));
  auto config = fetch_file("acme/old-name", "config.json", options_);
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(read_file(*config), R"({"model_type": "qwen2"})");
}

TEST_F(HubTest, NoServerListeningIsAnIoErrorWithInstructions) {
  hub_.stop();
  try {
    resolve_model("hf:acme/tiny", options_);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_EQ(exit_code_for(e.kind()), 1);
    EXPECT_NE(std::string(e.what()).find("huggingface-cli download acme/tiny"), std::string::npos) << e.what();
  }
}

TEST(Hub, LocalPathsAndSpecs) {
  test::TempDir dir;
  const std::string gguf = dir.write("m.gguf", "GGUF");
  HubOptions o;
  o.cache_dir = dir.path() + "/hub";
  EXPECT_EQ(resolve_model(gguf, o), gguf);
  EXPECT_EQ(resolve_model(dir.path(), o), dir.path());
  EXPECT_THROW(resolve_model(dir.file("missing.gguf"), o), NotFoundError);
  try {
    resolve_model("acme/tiny", o);
    FAIL();
  } catch (const NotFoundError& e) {
    EXPECT_NE(std::string(e.what()).find("use hf:acme/tiny"), std::string::npos) << e.what();
  }
  auto s = parse_hub_spec("hf:deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B:sub/x.gguf");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->repo, "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B");
  EXPECT_EQ(s->file, "sub/x.gguf");
  EXPECT_FALSE(parse_hub_spec("model.gguf").has_value());
  EXPECT_THROW(parse_hub_spec("hf:noslash"), InvalidInputError);
  EXPECT_THROW(parse_hub_spec("hf:a/b:../../etc/passwd"), InvalidInputError);
  EXPECT_THROW(parse_hub_spec("hf:a/b/c"), InvalidInputError);
  EXPECT_EQ(parse_hub_spec(kDefaultModel)->repo, "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B");
}

TEST(Hub, CacheDirFollowsTheEnvironment) {
  ::setenv("HF_HOME", "/x/hf", 1);
  ::unsetenv("HF_HUB_CACHE");
  EXPECT_EQ(default_cache_dir(), "/x/hf/hub");
  ::setenv("HF_HUB_CACHE", "/y/cache", 1);
  EXPECT_EQ(default_cache_dir(), "/y/cache");
  ::setenv("HF_ENDPOINT", "http://127.0.0.1:1", 1);
  ::setenv("HF_TOKEN", "tok", 1);
  HubOptions o = HubOptions::from_env();
  EXPECT_EQ(o.endpoint, "http://127.0.0.1:1");
  EXPECT_EQ(o.token.value_or(""), "tok");
  EXPECT_EQ(o.cache_dir, "/y/cache");
  for (const char* v : {"HF_HOME", "HF_HUB_CACHE", "HF_ENDPOINT", "HF_TOKEN"}) ::unsetenv(v);
}

TEST(Hub, ChecksumsMatchKnownAnswers) {
  test::TempDir dir;
  EXPECT_EQ(sha256_file_hex(dir.write("abc", "abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // `git hash-object` of "hello\n".
  EXPECT_EQ(git_blob_sha1_file_hex(dir.write("hello", "hello\n")), "ce013625030ba8dba906f756967f9e9ca394464a");
}

}  // namespace
}  // namespace hirelm::hub
