//go:build !amd64

package pipeline

import "sync/atomic"

// storeRelaxed stores v at *p; sync/atomic's Store, where this package has
// no plain-store assembly.
func storeRelaxed(p *uint64, v uint64) { atomic.StoreUint64(p, v) }
