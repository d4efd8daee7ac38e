// Package dpdk is wire2kafka's own thin cgo binding of DPDK 22.11 (Debian's
// shared build, found with pkg-config libdpdk): EAL, lcores, pktmbuf pools
// and mbufs, ethdev ports, rings and rte_acl. It is the only package of ours
// with cgo, and it imports nothing of ours.
//
// # Rules of the road
//
//   - EAL is initialised once per process (Init; a second call returns
//     ErrAlreadyInitialized). rte_eal_init pins the calling thread to the
//     main lcore: call Init from the main goroutine, locked to the main OS
//     thread by runtime.LockOSThread in an init function of package main
//     (package ealtest does this for tests).
//   - Threads inherit the CPU affinity of their creator. After Init the main
//     thread is pinned; create Kafka producers and anything else that starts
//     threads through RunOnCPUs(HousekeepingCPUs(), ...).
//   - Go functions run on worker lcores through Launch; each holds a Go P
//     while it runs, so GOMAXPROCS must exceed the number of polling lcores
//     (Launch refuses otherwise). Set GOMAXPROCS explicitly after Init: Go
//     1.25+ adapts it to the CPU affinity, which rte_eal_init changes.
//   - One cgo call per burst, never per packet: RxBurst, TxBurst,
//     EnqueueBurst, DequeueBurst, AllocBulk, FreeBulk and Classify take
//     arrays in C memory (MbufArray, ACLBatch). Mbuf accessors (Data,
//     DataLen, Port, RSSHash, Priv, RxTimestamp.Get) are plain memory reads
//     with offsets taken from the C headers at build time. None of these
//     allocate (see TestZeroAllocs).
//   - Errors carry rte_strerror text and wrap Errno (errors.Is with
//     syscall.EINVAL etc. works) or one of the Err* values.
//   - Each cgo crossing costs 25-60 ns on this machine (BenchmarkCgoCrossing),
//     so bigger bursts narrow the gap to C (BenchmarkRxFree prints Go/C at
//     bursts 32 and 64). Read the TSC with package dpdk/tsc, not TSC, on the
//     data path.
//   - The Go runtime preempts a goroutine that runs for 10 ms, and a
//     goroutine locked to an lcore thread resumes only after a hand-off
//     between threads: a Go poll loop sees more short stalls than a C one
//     (BenchmarkRxStalls). Size rings for it.
//   - net_pcap of DPDK 22.11 stamps every packet with its pcap time in
//     microseconds (see RxTimestamp) without the timestamp offload, and
//     cannot set up an infinite_rx queue twice: configure such a port once.
//
// # Example
//
//	func init() { runtime.LockOSThread() }
//
//	func main() {
//		mem, desc := dpdk.MemoryArgs(512, true)
//		args := append([]string{"-l", "0,1", "--vdev", "net_null0"}, mem...)
//		if err := dpdk.Init(args); err != nil {
//			log.Fatal(err)
//		}
//		log.Print("EAL memory: ", desc)
//		runtime.GOMAXPROCS(len(dpdk.WorkerLcores()) + 2)
//
//		pool, _ := dpdk.NewPool(dpdk.PoolConfig{Size: 8191, PrivSize: 16})
//		port, _ := dpdk.PortByName("net_null0")
//		if _, err := port.Configure(dpdk.PortConfig{Pool: pool}); err != nil {
//			log.Fatal(err)
//		}
//		port.Start()
//
//		var stop atomic.Bool
//		burst, _ := dpdk.NewMbufArray(32)
//		dpdk.Launch(1, func() {
//			for !stop.Load() {
//				n := port.RxBurst(0, burst, 32)
//				for _, m := range burst.Slice()[:n] {
//					_ = m.Data() // zero-copy view of the packet
//				}
//				dpdk.FreeBulk(burst, 0, n)
//			}
//		})
//		time.Sleep(time.Second)
//		stop.Store(true)
//		if err := dpdk.WaitAll(); err != nil {
//			log.Fatal(err) // a panic on the lcore ends up here
//		}
//	}
package dpdk
