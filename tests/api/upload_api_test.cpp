// Multipart uploads: accepted / duplicate / rejected with reasons, zips, sniffing, sanitized names, limits,
// the documents list and originals.
#include "api_fixture.h"

namespace hirelm::api::testing {
namespace {

class UploadApiTest : public ApiFixture {};

// Pseudo-random bytes: no format's signature, not text.
std::string noise(size_t n) {
  std::string out;
  uint32_t x = 12345;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1103515245u + 12345u;
    out += static_cast<char>(x >> 24);
  }
  return out;
}

const Json* find_file(const Json& files, const std::string& name) {
  for (const auto& f : files) {
    if (f["name"] == name) return &f;
  }
  return nullptr;
}

TEST_P(UploadApiTest, FilesAreAcceptedDuplicateOrRejectedWithReasons) {
  const int64_t job = create_job();
  const std::string path = "/api/jobs/" + std::to_string(job) + "/documents";
  const std::string ann = resume_text("Ann Lee");
  const std::string zip = make_zip({{"one.txt", resume_text("Bo Chen")}, {"sub/two.md", resume_text("Cy Wu")},
                                    {"dir/", ""}, {"__MACOSX/._one.txt", "junk"}});
  auto r = upload(path,
                  {{"ann.txt", ann},
                   {"ann-copy.txt", ann},                          // same bytes: duplicate
                   {"fake.pdf", resume_text("Di Ma")},             // text named .pdf: sniffed as text
                   {"name/../x.txt", resume_text("Ed Yu")},        // path parts stripped
                   {"big.txt", std::string(70 * 1024, 'a')},       // over max_upload_bytes (64 KiB)
                   {"blank.txt", "   \n\n  "},                     // no text
                   {"blob.bin", noise(512)},                       // unknown binary
                   {"resumes.zip", zip}},
                  recruiter_);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const Json body = Json::parse(r->body);
  const Json& files = body["files"];
  ASSERT_EQ(files.size(), 9u) << r->body;
  EXPECT_EQ(body["accepted"], 5);
  EXPECT_EQ(body["duplicates"], 1);
  EXPECT_EQ(body["rejected"], 3);

  const Json* f = find_file(files, "ann.txt");
  ASSERT_TRUE(f);
  EXPECT_EQ((*f)["status"], "accepted");
  const int64_t ann_doc = (*f)["document_id"].get<int64_t>();
  EXPECT_GT((*f)["candidate_id"].get<int64_t>(), 0);
  f = find_file(files, "ann-copy.txt");
  ASSERT_TRUE(f);
  EXPECT_EQ((*f)["status"], "duplicate");
  EXPECT_EQ((*f)["document_id"], ann_doc);
  f = find_file(files, "fake.pdf");
  ASSERT_TRUE(f);
  EXPECT_EQ((*f)["status"], "accepted") << *f;
  ASSERT_TRUE(find_file(files, "x.txt"));
  EXPECT_EQ((*find_file(files, "x.txt"))["status"], "accepted");
  EXPECT_FALSE(find_file(files, "name/../x.txt"));
  f = find_file(files, "big.txt");
  ASSERT_TRUE(f);
  EXPECT_EQ((*f)["status"], "rejected");
  EXPECT_NE((*f)["reason"].get<std::string>().find("65536"), std::string::npos) << *f;
  f = find_file(files, "blank.txt");
  ASSERT_TRUE(f);
  EXPECT_EQ((*f)["status"], "rejected");
  EXPECT_NE((*f)["reason"].get<std::string>().find("text"), std::string::npos) << *f;
  f = find_file(files, "blob.bin");
  ASSERT_TRUE(f);
  EXPECT_EQ((*f)["status"], "rejected");
  EXPECT_FALSE((*f)["reason"].get<std::string>().empty());
  ASSERT_TRUE(find_file(files, "one.txt")) << files;
  EXPECT_EQ((*find_file(files, "one.txt"))["status"], "accepted");
  ASSERT_TRUE(find_file(files, "two.md")) << files;

  // The list: the five accepted files, with the sniffed method and their sizes.
  r = get(path, viewer_);
  ASSERT_EQ(r->status, 200);
  const Json docs = Json::parse(r->body)["documents"];
  ASSERT_EQ(docs.size(), 5u);
  for (const auto& d : docs) {
    EXPECT_EQ(d["method"], "text") << d;
    EXPECT_GT(d["size"].get<int64_t>(), 0);
  }
  EXPECT_EQ(docs[0]["file_name"], "ann.txt");
  EXPECT_EQ(Json::parse(get("/api/jobs/" + std::to_string(job), viewer_)->body)["job"]["counts"]["documents"], 5);

  // The original comes back byte for byte, typed from its content, as an attachment.
  r = get("/api/documents/" + std::to_string(ann_doc) + "/original", viewer_);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->body, ann);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_NE(r->get_header_value("Content-Disposition").find("filename*=UTF-8''ann.txt"), std::string::npos);
  EXPECT_EQ(get("/api/documents/999999/original", viewer_)->status, 404);

  // The same file uploaded again later is a duplicate too.
  r = upload(path, {{"again.txt", ann}}, recruiter_);
  EXPECT_EQ(Json::parse(r->body)["files"][0]["status"], "duplicate");
}

TEST_P(UploadApiTest, LimitsAndMediaType) {
  const int64_t job = create_job();
  const std::string path = "/api/jobs/" + std::to_string(job) + "/documents";
  // max_upload_files is 10: eleven files (zip members counted) are refused whole.
  std::vector<FilePart> members;
  for (int i = 0; i < 11; ++i) members.push_back({"r" + std::to_string(i) + ".txt", resume_text("N" + std::to_string(i))});
  auto r = upload(path, {{"many.zip", make_zip(members)}}, recruiter_);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413) << r->body;
  EXPECT_EQ(error_code(r), "too_large");
  r = upload(path, members, recruiter_);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(Json::parse(get(path, viewer_)->body)["documents"].size(), 0u);  // nothing stored

  r = client_->Post(path.c_str(), auth(recruiter_), "{}", "application/json");
  EXPECT_EQ(r->status, 415);
  EXPECT_EQ(error_code(r), "unsupported_media_type");
  r = upload("/api/jobs/999999/documents", {{"a.txt", resume_text("Ann Lee")}}, recruiter_);
  EXPECT_EQ(r->status, 404);
}

INSTANTIATE_TEST_SUITE_P(Backends, UploadApiTest, ::testing::ValuesIn(db::testing::test_backends()),
                         db::testing::backend_param_name);

}  // namespace
}  // namespace hirelm::api::testing
