#include "engine/kernels/isa.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace hirelm::kernels {
namespace {

bool cpu_has(Isa isa) {
  switch (isa) {
    case Isa::kGeneric: return true;
    case Isa::kAvx2:
#if defined(HIRELM_HAVE_AVX2_KERNELS)
      __builtin_cpu_init();
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
#else
      return false;
#endif
  }
  return false;
}

}  // namespace

std::string_view isa_name(Isa isa) {
  switch (isa) {
    case Isa::kGeneric: return "generic";
    case Isa::kAvx2: return "avx2";
  }
  return "?";
}

std::optional<Isa> isa_from_name(std::string_view name) {
  if (name == "generic") return Isa::kGeneric;
  if (name == "avx2") return Isa::kAvx2;
  return std::nullopt;
}

std::vector<Isa> supported_isas() {
  std::vector<Isa> out;
  for (Isa isa : {Isa::kGeneric, Isa::kAvx2}) {
    if (cpu_has(isa)) out.push_back(isa);
  }
  return out;
}

Isa select_isa(std::string_view forced) {
  const std::vector<Isa> supported = supported_isas();
  if (forced.empty()) return supported.back();
  const std::string text(forced);
  const std::optional<Isa> wanted = isa_from_name(forced);
  if (!wanted) {
    std::fprintf(stderr, "hirelm: HIRELM_ISA=%s is not one of generic, avx2; ignoring it\n", text.c_str());
  } else if (!cpu_has(*wanted)) {
    std::fprintf(stderr, "hirelm: HIRELM_ISA=%s is not supported by this CPU or build; ignoring it\n", text.c_str());
  } else {
    return *wanted;
  }
  return supported.back();
}

Isa active_isa() {
  static const Isa chosen = [] {
    const char* forced = std::getenv("HIRELM_ISA");
    return select_isa(forced != nullptr ? forced : "");
  }();
  return chosen;
}

}  // namespace hirelm::kernels
