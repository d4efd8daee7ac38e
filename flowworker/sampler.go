package flowworker

// Sampler keeps exactly one packet in every N, deterministically: the
// first, the (N+1)th, the (2N+1)th... (Fastcapa-ng's sampling_worker).
type Sampler struct {
	n     uint64
	count uint64
}

// NewSampler returns a 1:n sampler; n < 1 means 1 (keep all).
func NewSampler(n uint64) Sampler {
	if n < 1 {
		n = 1
	}
	return Sampler{n: n}
}

// Keep reports whether the next packet is kept.
func (s *Sampler) Keep() bool {
	keep := s.count == 0
	s.count++
	if s.count == s.n {
		s.count = 0
	}
	return keep
}
