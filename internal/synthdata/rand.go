package synthdata

// source is a SplitMix64 generator, like internal/synth's: a fixed
// algorithm rather than math/rand, so a seed yields the same rows on every
// Go version and differential tests can be replayed from a seed alone.
type source struct{ state uint64 }

// newSource returns a generator seeded with seed, mixed with a constant so
// that the data stream differs from the schema stream of the same seed.
func newSource(seed uint64) *source { return &source{state: seed ^ 0x5dee_c0de_da7a_5eed} }

// next returns the next 64 random bits.
func (s *source) next() uint64 {
	s.state += 0x9e3779b97f4a7c15
	z := s.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a uniform integer in [0, n); n must be positive.
func (s *source) intn(n int) int { return int(s.next() % uint64(n)) }

// between returns a uniform integer in [lo, hi].
func (s *source) between(lo, hi int) int { return lo + s.intn(hi-lo+1) }

// float returns a uniform float64 in [0, 1).
func (s *source) float() float64 { return float64(s.next()>>11) / (1 << 53) }

// chance reports true with probability p.
func (s *source) chance(p float64) bool { return s.float() < p }
