package synth

// source is a SplitMix64 generator. It is used instead of math/rand so that
// a seed yields the same schema on every Go version: generated schemas end
// up in golden files and benchmark baselines, which must not drift when the
// standard library changes its algorithms.
type source struct{ state uint64 }

// newSource returns a generator seeded with seed.
func newSource(seed uint64) *source { return &source{state: seed} }

// next returns the next 64 random bits.
func (s *source) next() uint64 {
	s.state += 0x9e3779b97f4a7c15
	z := s.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a uniform integer in [0, n); n must be positive. The tiny
// modulo bias is irrelevant for test data.
func (s *source) intn(n int) int {
	return int(s.next() % uint64(n))
}

// float returns a uniform float64 in [0, 1).
func (s *source) float() float64 {
	return float64(s.next()>>11) / (1 << 53)
}

// chance reports true with probability p.
func (s *source) chance(p float64) bool {
	return s.float() < p
}

// skewed returns an integer in [0, n) biased towards 0: squaring a uniform
// variable makes low indexes (the early, "core" tables such as users or
// accounts) referenced far more often than late ones, the way real schemas
// have a few hub tables.
func (s *source) skewed(n int) int {
	f := s.float()
	return int(f * f * float64(n))
}
