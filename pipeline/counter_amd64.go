package pipeline

// storeRelaxed stores v at *p with one MOVQ (counter_amd64.s): no LOCK,
// no fence. Written in assembly so that the compiler cannot keep *p in a
// register or drop the store; the race detector does not see it.
//
//go:noescape
func storeRelaxed(p *uint64, v uint64)
