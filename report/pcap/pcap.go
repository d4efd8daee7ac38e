// Package pcap reads and writes classic libpcap capture files (link type
// Ethernet), with microsecond or nanosecond timestamps. It is small on
// purpose: enough for the INT generator, tests and tools; no dependencies.
package pcap

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// File format constants.
const (
	MagicMicro     = 0xa1b2c3d4 // microsecond timestamps
	MagicNano      = 0xa1b23c4d // nanosecond timestamps
	LinkEthernet   = 1
	fileHeaderLen  = 24
	recordHdrLen   = 16
	DefaultSnapLen = 65535
)

// Writer writes a pcap file. Not safe for concurrent use.
type Writer struct {
	w     *bufio.Writer
	nano  bool
	snap  int
	hdr   [recordHdrLen]byte
	count int
}

// NewWriter writes the file header (link type Ethernet) to w and returns a
// Writer; nano selects nanosecond timestamps. Packets longer than snapLen
// are cut (0 means DefaultSnapLen).
func NewWriter(w io.Writer, nano bool, snapLen int) (*Writer, error) {
	if snapLen <= 0 {
		snapLen = DefaultSnapLen
	}
	var h [fileHeaderLen]byte
	magic := uint32(MagicMicro)
	if nano {
		magic = MagicNano
	}
	binary.LittleEndian.PutUint32(h[0:], magic)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], uint32(snapLen))
	binary.LittleEndian.PutUint32(h[20:], LinkEthernet)
	bw := bufio.NewWriter(w)
	if _, err := bw.Write(h[:]); err != nil {
		return nil, fmt.Errorf("pcap: header: %w", err)
	}
	return &Writer{w: bw, nano: nano, snap: snapLen}, nil
}

// WritePacket writes one packet captured at tsNs (ns since the Unix epoch;
// cut to microseconds in a microsecond file) whose length on the wire was
// origLen (at least len(data)).
func (w *Writer) WritePacket(tsNs uint64, data []byte, origLen int) error {
	if origLen < len(data) {
		origLen = len(data)
	}
	if len(data) > w.snap {
		data = data[:w.snap]
	}
	sub := (tsNs % 1e9) / 1000
	if w.nano {
		sub = tsNs % 1e9
	}
	binary.LittleEndian.PutUint32(w.hdr[0:], uint32(tsNs/1e9))
	binary.LittleEndian.PutUint32(w.hdr[4:], uint32(sub))
	binary.LittleEndian.PutUint32(w.hdr[8:], uint32(len(data)))
	binary.LittleEndian.PutUint32(w.hdr[12:], uint32(origLen))
	if _, err := w.w.Write(w.hdr[:]); err != nil {
		return fmt.Errorf("pcap: packet %d: %w", w.count, err)
	}
	if _, err := w.w.Write(data); err != nil {
		return fmt.Errorf("pcap: packet %d: %w", w.count, err)
	}
	w.count++
	return nil
}

// Flush writes buffered data to the underlying writer.
func (w *Writer) Flush() error {
	if err := w.w.Flush(); err != nil {
		return fmt.Errorf("pcap: flush: %w", err)
	}
	return nil
}

// Reader reads a pcap file written in either byte order and timestamp
// resolution. Not safe for concurrent use.
type Reader struct {
	r     *bufio.Reader
	order binary.ByteOrder
	nano  bool
	snap  uint32
	link  uint32
	buf   []byte
	hdr   [recordHdrLen]byte
	count int
}

// ErrFormat is wrapped by errors about a malformed file.
var ErrFormat = errors.New("pcap: bad file")

// NewReader reads the file header from r.
func NewReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReader(r)
	var h [fileHeaderLen]byte
	if _, err := io.ReadFull(br, h[:]); err != nil {
		return nil, fmt.Errorf("pcap: header: %w", err)
	}
	rd := &Reader{r: br}
	switch {
	case binary.LittleEndian.Uint32(h[:]) == MagicMicro:
		rd.order = binary.LittleEndian
	case binary.LittleEndian.Uint32(h[:]) == MagicNano:
		rd.order, rd.nano = binary.LittleEndian, true
	case binary.BigEndian.Uint32(h[:]) == MagicMicro:
		rd.order = binary.BigEndian
	case binary.BigEndian.Uint32(h[:]) == MagicNano:
		rd.order, rd.nano = binary.BigEndian, true
	default:
		return nil, fmt.Errorf("%w: magic %x", ErrFormat, h[:4])
	}
	rd.snap = rd.order.Uint32(h[16:])
	rd.link = rd.order.Uint32(h[20:])
	return rd, nil
}

// LinkType returns the file's link type (1 = Ethernet).
func (r *Reader) LinkType() uint32 { return r.link }

// Nano reports whether the file has nanosecond timestamps.
func (r *Reader) Nano() bool { return r.nano }

// Next returns the next packet: timestamp (ns), data and original length.
// data is reused by the next call. At the end of the file it returns
// io.EOF.
func (r *Reader) Next() (uint64, []byte, int, error) {
	if _, err := io.ReadFull(r.r, r.hdr[:]); err != nil {
		if err == io.EOF {
			return 0, nil, 0, io.EOF
		}
		return 0, nil, 0, fmt.Errorf("%w: record %d header: %v", ErrFormat, r.count, err)
	}
	sec, sub := uint64(r.order.Uint32(r.hdr[0:])), uint64(r.order.Uint32(r.hdr[4:]))
	incl, orig := r.order.Uint32(r.hdr[8:]), r.order.Uint32(r.hdr[12:])
	if incl > 1<<18 {
		return 0, nil, 0, fmt.Errorf("%w: record %d: length %d", ErrFormat, r.count, incl)
	}
	if cap(r.buf) < int(incl) {
		r.buf = make([]byte, incl)
	}
	r.buf = r.buf[:incl]
	if _, err := io.ReadFull(r.r, r.buf); err != nil {
		return 0, nil, 0, fmt.Errorf("%w: record %d data: %v", ErrFormat, r.count, err)
	}
	r.count++
	ts := sec * 1e9
	if r.nano {
		ts += sub
	} else {
		ts += sub * 1000
	}
	return ts, r.buf, int(orig), nil
}
