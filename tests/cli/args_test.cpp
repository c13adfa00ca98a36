#include "cli/args.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace hirelm::cli {
namespace {

const std::vector<OptionSpec> kSpecs = {
    {"model", "m", true, false, "model path"},
    {"temp", "", true, false, "temperature"},
    {"n", "n", true, false, "tokens"},
    {"no-special", "", false, false, "plain"},
    {"llm-url", "", true, true, "endpoint"},
};

Args parse(std::vector<std::string> words) {
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  return Args(kSpecs, static_cast<int>(argv.size()), argv.data(), 0);
}

TEST(Args, ParsesLongShortInlineAndFlags) {
  Args a = parse({"--model", "x.gguf", "--temp=0.5", "-n", "12", "--no-special", "pos"});
  EXPECT_EQ(a.get_or("model", ""), "x.gguf");
  EXPECT_DOUBLE_EQ(a.get_double("temp", 0), 0.5);
  EXPECT_EQ(a.get_int("n", 0), 12);
  EXPECT_TRUE(a.has("no-special"));
  ASSERT_EQ(a.positionals().size(), 1u);
  EXPECT_EQ(a.positionals()[0], "pos");
}

TEST(Args, RepeatableCollectsAll) {
  Args a = parse({"--llm-url", "a", "--llm-url", "b"});
  EXPECT_EQ(a.get_all("llm-url"), (std::vector<std::string>{"a", "b"}));
}

TEST(Args, RejectsBadUsage) {
  EXPECT_THROW(parse({"--bogus"}), InvalidInputError);
  EXPECT_THROW(parse({"--model"}), InvalidInputError);
  EXPECT_THROW(parse({"--model", "a", "--model", "b"}), InvalidInputError);
  EXPECT_THROW(parse({"--no-special=1"}), InvalidInputError);
  EXPECT_THROW(parse({"--temp", "hot"}).get_double("temp", 0), InvalidInputError);
  EXPECT_THROW(parse({"-n", "12x"}).get_int("n", 0), InvalidInputError);
}

TEST(Args, SplitCommasKeepsEmptyItems) {
  EXPECT_EQ(split_commas("a,,b"), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(split_commas("x"), (std::vector<std::string>{"x"}));
  EXPECT_EQ(split_commas(""), (std::vector<std::string>{""}));
  EXPECT_EQ(split_commas("a,"), (std::vector<std::string>{"a", ""}));
}

TEST(Args, IntListChecksEveryItemAndNamesTheOption) {
  EXPECT_EQ(parse_int_list("ids", "0,7,-3", "ids", -5, 10), (std::vector<long long>{0, 7, -3}));
  for (const char* bad : {"", "1,,2", "1,2,", "1,x", "1,11", "1,-6", "2.5", "99999999999999999999"}) {
    try {
      parse_int_list("ids", bad, "token ids", -5, 10);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const InvalidInputError& e) {
      EXPECT_NE(std::string(e.what()).find("--ids: expected comma-separated token ids -5..10"), std::string::npos)
          << e.what();
    }
  }
}

}  // namespace
}  // namespace hirelm::cli
