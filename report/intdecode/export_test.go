package intdecode

// CheckInFrame and InFrameDecoders are checkInFrame and inFrameDecoders
// for the spec runner (package intdecode_test).
var (
	CheckInFrame    = checkInFrame
	InFrameDecoders = inFrameDecoders
)
