package config

import (
	"fmt"
	"regexp"
	"strings"
)

var nameRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// lcoreOwner is the first worker seen on an lcore.
type lcoreOwner struct {
	pipeline int
	path     string
}

func (v *validator) pipelines() {
	cfg := v.cfg
	if len(cfg.Pipelines) == 0 {
		v.c.errf("pipelines", "required: at least one pipeline")
	}
	portIdx := map[string]int{}
	for i, p := range cfg.Ports {
		portIdx[p.Name] = i
	}
	names := map[string]int{}
	owners := map[int]lcoreOwner{}
	readBy := map[[2]int]string{} // (port, queue) -> rx worker path
	for pi := range cfg.Pipelines {
		p := &cfg.Pipelines[pi]
		path := fmt.Sprintf("pipelines[%d]", pi)
		switch j, dup := names[p.Name]; {
		case p.Name == "":
			v.c.errf(path+".name", "required")
		case !nameRE.MatchString(p.Name):
			v.c.errf(path+".name", "must be letters, digits, '_', '-' or '.', got %q", p.Name)
		case dup:
			v.c.errf(path+".name", "pipeline %q is already declared at pipelines[%d]", p.Name, j)
		}
		names[p.Name] = pi
		lcore := func(wpath string, l int) {
			v.lcore(owners, pi, wpath, l)
		}
		for ri := range p.RX {
			rx := &p.RX[ri]
			rpath := fmt.Sprintf("%s.rx[%d]", path, ri)
			lcore(rpath+".lcore", rx.Lcore)
			port, ok := portIdx[rx.Port]
			if rx.Port == "" {
				v.c.errf(rpath+".port", "required: the name of a port in ports")
				continue
			} else if !ok {
				v.c.errf(rpath+".port", "unknown port %q (ports: %s)", rx.Port, portNames(cfg.Ports))
				continue
			}
			nq := cfg.Ports[port].RXQueues
			if v.c.failedUnder(fmt.Sprintf("ports[%d]", port)) {
				continue // its queue count is not to be trusted (it may be huge)
			}
			if !v.given(rpath+".queues", rx.Queues == nil) {
				rx.Queues = make([]int, nq)
				for q := range rx.Queues {
					rx.Queues[q] = q
				}
			} else if len(rx.Queues) == 0 {
				v.c.errf(rpath+".queues", "must list at least one queue, or be left out for all queues")
			}
			for qi, q := range rx.Queues {
				qpath := fmt.Sprintf("%s.queues[%d]", rpath, qi)
				if q < 0 || q >= nq {
					v.c.errf(qpath, "queue %d is out of range: port %s has %d rx queues (0-%d)", q, rx.Port, nq, nq-1)
				} else if prev, dup := readBy[[2]int{port, q}]; dup {
					v.c.errf(qpath, "queue %d of port %s is already read by %s", q, rx.Port, prev)
				} else {
					readBy[[2]int{port, q}] = rpath
				}
			}
		}
		kinds := []struct {
			key     string
			workers []Worker
		}{{"acl_workers", p.ACLWorkers}, {"flow_workers", p.FlowWorkers}, {"kafka_workers", p.KafkaWorkers}}
		if len(p.RX) == 0 {
			v.c.errf(path+".rx", "required: at least one rx worker")
		}
		for _, k := range kinds {
			if len(k.workers) == 0 {
				v.c.errf(path+"."+k.key, "required: at least one worker")
			}
			for wi, w := range k.workers {
				lcore(fmt.Sprintf("%s.%s[%d].lcore", path, k.key, wi), w.Lcore)
			}
		}
		if n := len(p.ACLWorkers); n > len(p.RX) && len(p.RX) > 0 {
			v.c.errf(path+".acl_workers", "%d acl workers for %d rx workers: rx worker i feeds acl worker i mod %d, so acl worker %d would get nothing",
				n, len(p.RX), n, len(p.RX))
		}
		if n := len(p.KafkaWorkers); n > len(p.FlowWorkers) && len(p.FlowWorkers) > 0 {
			v.c.errf(path+".kafka_workers", "%d kafka workers for %d flow workers: flow worker i feeds kafka worker i mod %d, so kafka worker %d would get nothing",
				n, len(p.FlowWorkers), n, len(p.FlowWorkers))
		}
	}
	for pi, p := range cfg.Ports {
		if v.c.failedUnder(fmt.Sprintf("ports[%d]", pi)) {
			continue
		}
		for q := 0; q < p.RXQueues; q++ {
			if _, ok := readBy[[2]int{pi, q}]; !ok {
				v.c.errf(fmt.Sprintf("ports[%d].rx_queues", pi), "queue %d of port %s is read by no rx worker; its packets would be lost", q, p.Name)
				break
			}
		}
	}
}

// lcore checks one worker's lcore: given, started by EAL, not the main
// lcore, and not running workers of another pipeline.
func (v *validator) lcore(owners map[int]lcoreOwner, pipeline int, path string, l int) {
	e := v.cfg.EAL
	switch o, taken := owners[l]; {
	case !v.given(path, l == 0):
		v.c.errf(path, "required: the lcore that runs this worker")
	case len(e.Lcores) > 0 && !e.Lcores.Contains(l):
		v.c.errf(path, "lcore %d is not in eal.lcores %s", l, e.Lcores)
	case l == e.MainLcore:
		v.c.errf(path, "lcore %d is the main lcore; it runs no worker", l)
	case taken && o.pipeline != pipeline:
		v.c.errf(path, "lcore %d already runs workers of pipeline %s (%s); an lcore runs workers of one pipeline only",
			l, v.cfg.Pipelines[o.pipeline].Name, o.path)
	case !taken:
		owners[l] = lcoreOwner{pipeline: pipeline, path: path}
	}
}

func portNames(ps []Port) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}
