// The sampler's pseudo-random generator: xoshiro256** seeded through splitmix64. We use our own
// generator and our own uniform conversion (never std::*_distribution, whose output differs between
// standard libraries) so that the same seed gives the same tokens on every platform and build.
#pragma once

#include <array>
#include <cstdint>

namespace hirelm::sampling {

class Rng {
 public:
  // Any 64-bit seed is valid, 0 included: splitmix64 spreads it over the 256-bit state.
  explicit Rng(uint64_t seed);
  // A generator with the given raw state (not all zero); for known-answer tests of the algorithm.
  static Rng from_state(const std::array<uint64_t, 4>& state);

  // The next 64 raw bits.
  uint64_t next();
  // A uniform double in [0, 1) with 53 bits of precision (the top 53 bits of next()).
  double uniform();

 private:
  Rng() = default;
  std::array<uint64_t, 4> s_{};
};

// splitmix64: one step of the seed expander; also a good hash for deriving per-sequence seeds.
uint64_t splitmix64(uint64_t& state);

}  // namespace hirelm::sampling
