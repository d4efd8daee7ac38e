package intdecode

import "errors"

// Reason is the outcome of decoding one packet. It is small and dense so a
// worker can count outcomes in a [NumReasons]uint64 array indexed by it.
type Reason uint8

// Decode outcomes.
const (
	ReasonOK                     Reason = iota // decoded into one or more reports
	ReasonNotINT                               // not addressed to an INT collector port / not INT
	ReasonTruncated                            // a header or declared length runs past the frame
	ReasonBadVersion                           // unknown version of a report, INT or SCION header
	ReasonBadLength                            // a length field is inconsistent
	ReasonUnsupportedInstruction               // metadata whose length cannot be known
	ReasonTooManyHops                          // more than MaxHops hops, or MaxMetadata values in a hop
	ReasonTooManyReports                       // more individual reports than Config.MaxReports
	ReasonUnsupported                          // valid but unsupported (fragment, report type, address type...)
	NumReasons                                 // number of reasons, for counter arrays
)

var reasonNames = [NumReasons]string{
	ReasonOK:                     "ok",
	ReasonNotINT:                 "not_int",
	ReasonTruncated:              "truncated",
	ReasonBadVersion:             "bad_version",
	ReasonBadLength:              "bad_length",
	ReasonUnsupportedInstruction: "unsupported_instruction",
	ReasonTooManyHops:            "too_many_hops",
	ReasonTooManyReports:         "too_many_reports",
	ReasonUnsupported:            "unsupported",
}

// String returns the reason's snake_case name, used as the Prometheus
// `reason` label and in ground-truth files.
func (r Reason) String() string {
	if r < NumReasons {
		return reasonNames[r]
	}
	return "unknown"
}

// ParseReason returns the Reason whose String is s.
func ParseReason(s string) (Reason, bool) {
	for i, n := range reasonNames {
		if n == s {
			return Reason(i), true
		}
	}
	return 0, false
}

// Errors matching the decode reasons, for callers off the hot path. They
// are created once; Reason.Err returns them without allocating.
var (
	ErrNotINT                 = errors.New("report: not an INT packet")
	ErrTruncated              = errors.New("report: truncated packet")
	ErrBadVersion             = errors.New("report: bad version")
	ErrBadLength              = errors.New("report: bad length field")
	ErrUnsupportedInstruction = errors.New("report: unsupported instruction")
	ErrTooManyHops            = errors.New("report: too many hops or metadata values")
	ErrTooManyReports         = errors.New("report: too many reports in one packet")
	ErrUnsupported            = errors.New("report: unsupported packet")
)

var reasonErrs = [NumReasons]error{
	ReasonNotINT:                 ErrNotINT,
	ReasonTruncated:              ErrTruncated,
	ReasonBadVersion:             ErrBadVersion,
	ReasonBadLength:              ErrBadLength,
	ReasonUnsupportedInstruction: ErrUnsupportedInstruction,
	ReasonTooManyHops:            ErrTooManyHops,
	ReasonTooManyReports:         ErrTooManyReports,
	ReasonUnsupported:            ErrUnsupported,
}

// Err returns nil for ReasonOK and the matching sentinel error otherwise.
func (r Reason) Err() error {
	if r < NumReasons {
		return reasonErrs[r]
	}
	return ErrUnsupported
}
