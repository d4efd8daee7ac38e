package intdecode

import "wire2kafka/report"

// decodeInner reads the monitored flow's 5-tuple and, when tracked is set
// and the packet is marked as carrying INT (by DSCP or by an INT_TBD UDP
// port, INT v2.1 section 5.7.2), its INT shim and INT-MD stack. etype 0
// means inner starts with an Ethernet header. A packet cut short by the
// reporting switch's truncation gives what its complete headers give.
func (d *Decoder) decodeInner(inner []byte, etype uint16, r *report.Report, tracked bool) Reason {
	off := 0
	if etype == 0 {
		var why Reason
		if off, etype, why = skipEthernet(inner); why != ReasonOK {
			return ReasonOK // Ethernet header cut: no 5-tuple
		}
	}
	t := &d.inner
	switch why := parseL3(inner, off, etype, t, false); why {
	case ReasonOK:
	case ReasonNotINT, ReasonTruncated:
		if t.L4Offset == 0 {
			return ReasonOK // not IP, or the IP header cut: no 5-tuple
		}
		// L4 header cut: the addresses are known.
	default:
		return why
	}
	setKeyFrom(&r.Key, t)
	if !t.HasPorts || !tracked {
		return ReasonOK
	}
	byDSCP := !d.cfg.MDDSCPOff && t.DSCP&d.cfg.MDDSCPMask == d.cfg.MDDSCP
	byPort := t.Proto == ipProtoUDP && d.mdPorts.has(t.DstPort)
	if !byDSCP && !byPort {
		return ReasonOK
	}
	return d.parseINT(inner, t.L4Offset+t.HdrLenL4, r)
}

// setKeyFrom sets k's addresses, and its ports and protocol (TCP or UDP,
// as far as t has them), from the 5-tuple t.
func setKeyFrom(k *report.FlowKey, t *FiveTuple) {
	if t.IPv6 {
		k.SrcIP.SetIPv6(t.SrcIP[:])
		k.DstIP.SetIPv6(t.DstIP[:])
	} else {
		k.SrcIP.SetIPv4(t.SrcIP[:4])
		k.DstIP.SetIPv4(t.DstIP[:4])
	}
	if !t.HasPorts {
		return
	}
	k.SrcPort, k.DstPort, k.Protocol = t.SrcPort, t.DstPort, report.ProtoUDP
	if t.Proto == ipProtoTCP {
		k.Protocol = report.ProtoTCP
	}
}
