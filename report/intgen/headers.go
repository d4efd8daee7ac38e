package intgen

import "encoding/binary"

// Ethernet, IPv4 and UDP header writers. Lengths and the IPv4 checksum are
// filled by finishIPv4UDP once the packet is complete.

var (
	macDst = [6]byte{0x02, 0, 0, 0, 0, 0x02}
	macSrc = [6]byte{0x02, 0, 0, 0, 0, 0x01}
)

// appendEthIPv4UDP appends Ethernet, IPv4 (with DSCP) and UDP headers and
// returns the buffer and the offset of the IPv4 header.
func appendEthIPv4UDP(b []byte, src, dst [4]byte, sport, dport uint16, dscp uint8) ([]byte, int) {
	b = append(b, macDst[:]...)
	b = append(b, macSrc[:]...)
	b = append(b, 0x08, 0x00)
	ip := len(b)
	b = append(b, 0x45, dscp<<2, 0, 0, 0, 1, 0x40, 0, 64, 17, 0, 0)
	b = append(b, src[:]...)
	b = append(b, dst[:]...)
	b = binary.BigEndian.AppendUint16(b, sport)
	b = binary.BigEndian.AppendUint16(b, dport)
	b = append(b, 0, 0, 0, 0) // length, checksum (0: none)
	return b, ip
}

// finishIPv4UDP sets the IPv4 total length and checksum and the UDP length
// for a packet whose IPv4 header starts at ip and which ends at end.
func finishIPv4UDP(b []byte, ip, end int) {
	binary.BigEndian.PutUint16(b[ip+2:], uint16(end-ip))
	binary.BigEndian.PutUint16(b[ip+10:], 0)
	var sum uint32
	for i := 0; i < 20; i += 2 {
		sum += uint32(binary.BigEndian.Uint16(b[ip+i:]))
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	binary.BigEndian.PutUint16(b[ip+10:], ^uint16(sum))
	binary.BigEndian.PutUint16(b[ip+20+4:], uint16(end-ip-20))
}
