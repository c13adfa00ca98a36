#include "engine/kernels/isa.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#if defined(HIRELM_HAVE_AVX2_KERNELS)
#include <cpuid.h>
#endif

namespace hirelm::kernels {
namespace {

#if defined(HIRELM_HAVE_AVX2_KERNELS)
// AVX2 + FMA + F16C, and an OS that saves the YMM registers (XCR0 bits 1 and 2). Read from cpuid directly:
// not every compiler's __builtin_cpu_supports knows "f16c".
bool cpu_has_avx2_fma_f16c() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0) return false;
  const bool fma = (ecx >> 12) & 1;
  const bool osxsave = (ecx >> 27) & 1;
  const bool avx = (ecx >> 28) & 1;
  const bool f16c = (ecx >> 29) & 1;
  if (!(fma && osxsave && avx && f16c)) return false;
  unsigned xcr0_lo = 0, xcr0_hi = 0;
  __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
  if ((xcr0_lo & 0x6) != 0x6) return false;
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) return false;
  return (ebx >> 5) & 1;  // AVX2
}
#endif

#if defined(HIRELM_HAVE_AVX512_KERNELS)
// AVX-512 F, BW, VL (leaf 7 ebx bits 16, 30, 31), VNNI (leaf 7 ecx bit 11) and BF16 (leaf 7 subleaf 1 eax
// bit 5), and an OS that saves the opmask and all 32 ZMM registers (XCR0 bits 5, 6 and 7).
bool cpu_has_avx512_vnni_bf16() {
  if (!cpu_has_avx2_fma_f16c()) return false;
  unsigned xcr0_lo = 0, xcr0_hi = 0;
  __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
  if ((xcr0_lo & 0xE0) != 0xE0) return false;
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) return false;
  const unsigned max_subleaf = eax;
  const bool f = (ebx >> 16) & 1, bw = (ebx >> 30) & 1, vl = (ebx >> 31) & 1, vnni = (ecx >> 11) & 1;
  if (!(f && bw && vl && vnni) || max_subleaf < 1) return false;
  if (__get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx) == 0) return false;
  return (eax >> 5) & 1;
}
#endif

bool cpu_has(Isa isa) {
  switch (isa) {
    case Isa::kGeneric: return true;
    case Isa::kAvx2:
#if defined(HIRELM_HAVE_AVX2_KERNELS)
      return cpu_has_avx2_fma_f16c();
#else
      return false;
#endif
    case Isa::kAvx512:
#if defined(HIRELM_HAVE_AVX512_KERNELS)
      return cpu_has_avx512_vnni_bf16();
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
    case Isa::kAvx512: return "avx512";
  }
  return "?";
}

std::optional<Isa> isa_from_name(std::string_view name) {
  if (name == "generic") return Isa::kGeneric;
  if (name == "avx2") return Isa::kAvx2;
  if (name == "avx512") return Isa::kAvx512;
  return std::nullopt;
}

std::vector<Isa> supported_isas() {
  std::vector<Isa> out;
  for (Isa isa : {Isa::kGeneric, Isa::kAvx2, Isa::kAvx512}) {
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
    std::fprintf(stderr, "hirelm: HIRELM_ISA=%s is not one of generic, avx2, avx512; ignoring it\n", text.c_str());
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
