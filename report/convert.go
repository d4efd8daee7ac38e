package report

import (
	"encoding/binary"

	"wire2kafka/report/reportpb"
)

// Proto returns r as the generated message (not including the flow key).
// It allocates: use it in tests, tools and consumers, never per packet.
func (r *Report) Proto() *reportpb.Report {
	m := &reportpb.Report{
		PacketType:    reportpb.Report_PacketType(r.PacketType),
		ReceiveTimeNs: r.ReceiveTime,
		SourceTimeNs:  r.SourceTime,
		Sequence:      r.Sequence,
	}
	if len(r.Truncated) > 0 {
		m.TruncatedPacket = append([]byte(nil), r.Truncated...)
	}
	hops := r.AllHops()
	for i := range hops {
		h := &hops[i]
		ph := &reportpb.Hop{Asn: h.ASN, NodeId: h.NodeID}
		if h.NumMD > 0 {
			ph.Metadata = make(map[uint32][]byte, h.NumMD)
			for _, md := range h.Metadata() {
				ph.Metadata[md.Type] = append([]byte{}, md.Val[:md.Len]...)
			}
		}
		m.Hops = append(m.Hops, ph)
	}
	return m
}

// Proto returns k as the generated message. It allocates.
func (k *FlowKey) Proto() *reportpb.FlowKey {
	m := &reportpb.FlowKey{
		DstAs:    k.DstAS,
		SrcAs:    k.SrcAS,
		FlowId:   k.FlowID,
		DstPort:  uint32(k.DstPort),
		SrcPort:  uint32(k.SrcPort),
		Protocol: reportpb.FlowKey_Protocol(k.Protocol),
	}
	switch k.DstIP.Kind {
	case AddrIPv4:
		m.DstIp = &reportpb.FlowKey_DstIpv4{DstIpv4: binary.BigEndian.Uint32(k.DstIP.Bytes[:4])}
	case AddrIPv6:
		m.DstIp = &reportpb.FlowKey_DstIpv6{DstIpv6: ipv6Proto(&k.DstIP)}
	}
	switch k.SrcIP.Kind {
	case AddrIPv4:
		m.SrcIp = &reportpb.FlowKey_SrcIpv4{SrcIpv4: binary.BigEndian.Uint32(k.SrcIP.Bytes[:4])}
	case AddrIPv6:
		m.SrcIp = &reportpb.FlowKey_SrcIpv6{SrcIpv6: ipv6Proto(&k.SrcIP)}
	}
	return m
}

func ipv6Proto(a *Addr) *reportpb.IPv6Address {
	return &reportpb.IPv6Address{
		High: binary.BigEndian.Uint64(a.Bytes[0:8]),
		Low:  binary.BigEndian.Uint64(a.Bytes[8:16]),
	}
}
