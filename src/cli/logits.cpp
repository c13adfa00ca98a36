// `hirelm logits --model PATH --ids 1,2,3`: the logits of the last position as one JSON line
// {"logits": [...]} (full vocabulary, f32 printed with %.9g so they round-trip exactly). The ids are
// evaluated from position 0 in batches of up to 512 with an f32 KV cache unless --kv-type says otherwise.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "cli/args.h"
#include "cli/command.h"
#include "engine/kernels/thread_pool.h"
#include "engine/kv/kv_cache.h"
#include "engine/model/qwen2_model.h"
#include "util/error.h"

namespace hirelm::cli {
namespace {

int logits_main(int argc, char** argv) {
  const std::vector<OptionSpec> specs = {
      {"model", "m", true, false, "model: a .gguf file or a Hugging Face directory"},
      {"ids", "", true, false, "comma-separated token ids, evaluated from position 0"},
      {"dtype", "", true, false, "compute type of the weights: f32|f16|bf16|q8_0|q4_0|q4_k|q6_k (GGUF: the file's own)"},
      {"kv-type", "", true, false, "KV cache type: f32 (default) or f16"},
      {"threads", "t", true, false, "threads (default: all cores)"},
      {"help", "h", false, false, "show this help"},
  };
  Args args(specs, argc, argv, 2);
  if (args.has("help")) {
    std::printf("usage: hirelm logits --model PATH --ids 1,2,3 [--dtype D] [-t THREADS]\n\n"
                "Prints {\"logits\": [...]} for the last position as one JSON line.\n\n%s",
                format_options(specs).c_str());
    return kExitOk;
  }
  if (!args.positionals().empty()) throw InvalidInputError("unexpected argument '" + args.positionals()[0] + "'");
  auto path = args.get("model");
  if (!path) throw InvalidInputError("--model is required (see --help)");
  auto ids_text = args.get("ids");
  if (!ids_text) throw InvalidInputError("--ids is required (see --help)");
  std::vector<int32_t> ids;
  for (long long id : parse_int_list("ids", *ids_text, "token ids", 0, INT32_MAX)) ids.push_back(static_cast<int32_t>(id));
  model::LoadOptions options;
  if (auto d = args.get("dtype")) options.dtype = model::parse_dtype(*d);
  kv::KvType kv_type = kv::parse_kv_type(args.get_or("kv-type", "f32"));
  long long threads = args.get_int("threads", static_cast<long long>(std::max(1u, std::thread::hardware_concurrency())));
  if (threads < 1 || threads > 1024) throw InvalidInputError("--threads: expected 1..1024, got " + std::to_string(threads));

  model::Qwen2Model m = model::Qwen2Model::load(*path, options);
  kv::KvCache cache(m.kv_cache_options(static_cast<int64_t>(ids.size()), 1, kv_type));
  kernels::ThreadPool pool(static_cast<int>(threads));
  // Batches of at most kBatch tokens keep the scratch memory independent of the prompt length.
  constexpr size_t kBatch = 512;
  std::vector<float> logits;
  for (size_t start = 0; start < ids.size(); start += kBatch) {
    std::vector<int32_t> chunk(ids.begin() + static_cast<long>(start), ids.begin() + static_cast<long>(std::min(ids.size(), start + kBatch)));
    bool last = start + kBatch >= ids.size();
    m.forward(model::make_sequence_batch(chunk, 0, static_cast<int32_t>(start), false), cache, pool, last ? &logits : nullptr);
  }

  std::string out = "{\"logits\": [";
  out.reserve(logits.size() * 16 + 16);
  char buf[32];
  for (size_t i = 0; i < logits.size(); ++i) {
    int n = std::snprintf(buf, sizeof buf, i ? ", %.9g" : "%.9g", static_cast<double>(logits[i]));
    out.append(buf, static_cast<size_t>(n));
  }
  out += "]}\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? kExitOk : kExitFailure;
}

}  // namespace

HIRELM_COMMAND(logits, "logits", "print the last position's logits for token ids as JSON", logits_main);

}  // namespace hirelm::cli
