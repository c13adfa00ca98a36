#include "engine/tokenizer/tokenizer.h"

#include <filesystem>
#include <mutex>

#include "engine/formats/gguf.h"
#include "engine/tokenizer/added_tokens.h"
#include "engine/tokenizer/bpe.h"
#include "engine/tokenizer/byte_level.h"
#include "engine/tokenizer/pre_tokenizer.h"
#include "engine/tokenizer/tokenizer_data.h"
#include "engine/tokenizer/unicode_class.h"
#include "engine/tokenizer/utf8.h"
#include "engine/tokenizer/word_cache.h"
#include "util/error.h"
#include "util/mapped_file.h"

namespace hirelm {

using tokenizer::AddedToken;
using tokenizer::AddedTokenMatcher;
using tokenizer::BpeModel;
using tokenizer::BpeScratch;
using tokenizer::TokenizerData;
using tokenizer::WordCache;

struct Tokenizer::Impl {
  std::string source;
  std::vector<std::string> token_text;   // id -> spelling in the file
  std::vector<std::string> token_bytes;  // id -> raw bytes
  std::unordered_map<std::string, int32_t> token_ids;
  std::vector<uint8_t> flags;            // id -> kAdded | kSpecial
  AddedTokenMatcher raw_matcher;         // added tokens with normalized = false (matched before NFC)
  AddedTokenMatcher normalized_matcher;  // added tokens with normalized = true (matched after NFC)
  BpeModel bpe;
  bool nfc = true;
  std::optional<int32_t> bos_id, eos_id;
  bool add_bos = false;

  // The word cache and the scratch buffers that go with it; owned by whoever holds cache_mutex.
  mutable std::mutex cache_mutex;
  mutable WordCache cache;
  mutable BpeScratch scratch;

  static constexpr uint8_t kAdded = 1;
  static constexpr uint8_t kSpecial = 2;

  explicit Impl(TokenizerData data);

  // Per-call state: the cache (null when another thread holds it) and scratch buffers.
  struct Context {
    WordCache* cache;
    BpeScratch* scratch;
    std::string normalized;
    bool parse_special;
  };
  void encode_segment(std::string_view segment, Context& ctx, std::vector<int32_t>& out) const;
  void encode_plain(std::string_view text, Context& ctx, std::vector<int32_t>& out) const;
};

Tokenizer::Impl::Impl(TokenizerData data)
    : source(std::move(data.source)),
      token_text(std::move(data.tokens)),
      token_ids(std::move(data.token_ids)),
      nfc(data.nfc),
      bos_id(data.bos_id),
      eos_id(data.eos_id),
      add_bos(data.add_bos) {
  token_bytes.resize(token_text.size());
  flags.assign(token_text.size(), 0);
  for (size_t id = 0; id < token_text.size(); ++id) token_bytes[id] = tokenizer::byte_level_to_bytes(token_text[id]);
  std::vector<AddedToken> raw, normalized;
  for (auto& t : data.added) {
    auto id = static_cast<size_t>(t.id);
    flags[id] = kAdded | (t.special ? kSpecial : 0);
    token_bytes[id] = t.content;  // added tokens decode to their text, not through the byte alphabet
    (t.normalized && nfc ? normalized : raw).push_back(std::move(t));
  }
  raw_matcher = AddedTokenMatcher(std::move(raw));
  normalized_matcher = AddedTokenMatcher(std::move(normalized));

  // The one-byte tokens BPE starts from come from the model vocabulary only: an added token may spell
  // the same string (e.g. "é", which is also the byte-level spelling of byte 0xE9) under another id.
  std::array<int32_t, 256> byte_ids{};
  byte_ids.fill(-1);
  for (size_t id = 0; id < token_text.size(); ++id) {
    if (flags[id] & kAdded) continue;
    const std::string& t = token_text[id];
    if (t.empty() || t.size() > 2) continue;
    char32_t cp;
    size_t bad = 0;
    if (tokenizer::utf8_decode(t.data(), t.size(), 0, &cp, &bad) != t.size()) continue;
    auto b = tokenizer::char_to_byte(cp);
    if (b && byte_ids[*b] < 0) byte_ids[*b] = static_cast<int32_t>(id);
  }
  for (int b = 0; b < 256; ++b) {
    if (byte_ids[static_cast<size_t>(b)] >= 0) continue;
    std::string spelled = tokenizer::bytes_to_byte_level(std::string(1, static_cast<char>(b)));
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", b);
    throw InvalidInputError(source + ": the vocabulary has no token for byte " + hex + " ('" + spelled + "')");
  }
  bpe = BpeModel(byte_ids, data.merges);
}

void Tokenizer::Impl::encode_plain(std::string_view text, Context& ctx, std::vector<int32_t>& out) const {
  tokenizer::qwen2_pre_tokenize(text, [&](std::string_view piece) {
    if (piece.size() == 1 || ctx.cache == nullptr || piece.size() > WordCache::kMaxWordBytes) {
      bpe.encode_word(piece, out, *ctx.scratch);
      return;
    }
    uint64_t h = WordCache::hash(piece);
    if (ctx.cache->lookup(piece, h, out)) return;
    size_t before = out.size();
    bpe.encode_word(piece, out, *ctx.scratch);
    ctx.cache->store(piece, h, out.data() + before, out.size() - before);
  });
}

void Tokenizer::Impl::encode_segment(std::string_view segment, Context& ctx, std::vector<int32_t>& out) const {
  std::string_view text = segment;
  std::string local;
  if (nfc && tokenizer::nfc_if_needed(segment, local)) text = local;
  if (ctx.parse_special && !normalized_matcher.empty()) {
    normalized_matcher.split(
        text, [&](std::string_view part) { encode_plain(part, ctx, out); }, [&](int32_t id) { out.push_back(id); });
  } else {
    encode_plain(text, ctx, out);
  }
}

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

Tokenizer Tokenizer::from_json(std::string_view json, const std::string& name_for_errors) {
  return Tokenizer(std::make_unique<Impl>(tokenizer::load_tokenizer_json(json, name_for_errors)));
}

Tokenizer Tokenizer::from_json(std::string_view json, const std::string& name_for_errors, std::string_view config_json,
                               const std::string& config_name_for_errors) {
  TokenizerData data = tokenizer::load_tokenizer_json(json, name_for_errors);
  tokenizer::apply_tokenizer_config(config_json, config_name_for_errors, data);
  return Tokenizer(std::make_unique<Impl>(std::move(data)));
}

Tokenizer Tokenizer::from_gguf(const formats::GgufFile& gguf) {
  return Tokenizer(std::make_unique<Impl>(tokenizer::load_tokenizer_gguf(gguf)));
}

Tokenizer Tokenizer::from_path(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    fs::path json = fs::path(path) / "tokenizer.json";
    if (!fs::exists(json, ec)) throw NotFoundError(path + ": model directory has no tokenizer.json");
    fs::path config = fs::path(path) / "tokenizer_config.json";
    if (fs::exists(config, ec)) {
      return from_json(read_file(json.string()), json.string(), read_file(config.string()), config.string());
    }
    return from_json(read_file(json.string()), json.string());
  }
  if (path.size() >= 5 && path.compare(path.size() - 5, 5, ".gguf") == 0) {
    return from_gguf(formats::GgufFile::open(path));
  }
  return from_json(read_file(path), path);
}

std::vector<int32_t> Tokenizer::encode(std::string_view text, const EncodeOptions& options) const {
  std::vector<int32_t> out;
  out.reserve(text.size() / 3 + 4);
  encode_into(text, options, out);
  return out;
}

void Tokenizer::encode_into(std::string_view text, const EncodeOptions& options, std::vector<int32_t>& out) const {
  const Impl& m = *impl_;
  std::string sanitized;
  if (!tokenizer::utf8_is_valid(text)) {
    sanitized = tokenizer::utf8_sanitize(text);
    text = sanitized;
  }
  if (options.add_bos && m.bos_id) out.push_back(*m.bos_id);

  std::unique_lock<std::mutex> lock(m.cache_mutex, std::try_to_lock);
  BpeScratch local_scratch;
  Impl::Context ctx{lock.owns_lock() ? &m.cache : nullptr, lock.owns_lock() ? &m.scratch : &local_scratch, {},
                    options.parse_special};
  if (options.parse_special && !m.raw_matcher.empty()) {
    m.raw_matcher.split(
        text, [&](std::string_view part) { m.encode_segment(part, ctx, out); }, [&](int32_t id) { out.push_back(id); });
  } else {
    m.encode_segment(text, ctx, out);
  }
}

std::string Tokenizer::decode(const std::vector<int32_t>& ids, bool skip_special) const {
  std::string bytes;
  for (int32_t id : ids) {
    if (id < 0 || static_cast<size_t>(id) >= impl_->token_bytes.size()) continue;
    if (skip_special && (impl_->flags[static_cast<size_t>(id)] & Impl::kSpecial)) continue;
    bytes += impl_->token_bytes[static_cast<size_t>(id)];
  }
  if (!tokenizer::utf8_is_valid(bytes)) return tokenizer::utf8_sanitize(bytes);
  return bytes;
}

std::string_view Tokenizer::token_bytes(int32_t id) const {
  if (id < 0 || static_cast<size_t>(id) >= impl_->token_bytes.size()) return {};
  return impl_->token_bytes[static_cast<size_t>(id)];
}

std::string_view Tokenizer::token_text(int32_t id) const {
  if (id < 0 || static_cast<size_t>(id) >= impl_->token_text.size()) return {};
  return impl_->token_text[static_cast<size_t>(id)];
}

std::optional<int32_t> Tokenizer::token_id(std::string_view token_text) const {
  auto it = impl_->token_ids.find(std::string(token_text));
  if (it == impl_->token_ids.end()) return std::nullopt;
  return it->second;
}

int32_t Tokenizer::vocab_size() const { return static_cast<int32_t>(impl_->token_text.size()); }
std::optional<int32_t> Tokenizer::bos_id() const { return impl_->bos_id; }
std::optional<int32_t> Tokenizer::eos_id() const { return impl_->eos_id; }
bool Tokenizer::wants_bos() const { return impl_->add_bos; }

bool Tokenizer::is_special(int32_t id) const {
  return id >= 0 && static_cast<size_t>(id) < impl_->flags.size() && (impl_->flags[static_cast<size_t>(id)] & Impl::kSpecial);
}

bool Tokenizer::is_added(int32_t id) const {
  return id >= 0 && static_cast<size_t>(id) < impl_->flags.size() && (impl_->flags[static_cast<size_t>(id)] & Impl::kAdded);
}

}  // namespace hirelm
