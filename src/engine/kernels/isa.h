// Instruction-set selection for the kernels. The choice is made once, at first use, from cpuid; the
// environment variable HIRELM_ISA=generic|avx2|avx512 forces a path (for tests, benchmarks and bug reports).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace hirelm::kernels {

// Ordered from least to most capable.
enum class Isa {
  kGeneric,  // portable C++; the reference every other path is tested against
  kAvx2,     // x86-64 AVX2 + FMA + F16C
  kAvx512,   // kAvx2 plus AVX-512 F/BW/VL, VNNI and BF16 (Zen 4, Sapphire Rapids); other paths reuse kAvx2's
};

// Whether `isa` includes everything `base` has (the paths are ordered, each a superset of the one before).
inline bool isa_includes(Isa isa, Isa base) { return static_cast<int>(isa) >= static_cast<int>(base); }

std::string_view isa_name(Isa isa);
std::optional<Isa> isa_from_name(std::string_view name);

// Every path this binary has and this CPU can run, kGeneric first.
std::vector<Isa> supported_isas();

// The path a HIRELM_ISA value selects: `forced` when it names a supported path, else (empty, unknown or
// unsupported; the last two are reported on stderr) the most capable supported one.
Isa select_isa(std::string_view forced);

// The path matmul() uses: HIRELM_ISA when set to a supported path, else the most capable supported one.
// An unknown or unsupported HIRELM_ISA value is reported once on stderr and ignored.
Isa active_isa();

}  // namespace hirelm::kernels
