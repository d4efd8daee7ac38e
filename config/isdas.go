package config

import (
	"fmt"
	"strconv"
	"strings"
)

// ISDAS is a SCION ISD-AS number pair, like 1-ff00:0:1.
type ISDAS struct {
	ISD uint16
	AS  uint64 // 48 bits
}

const maxBGPAS = 1<<32 - 1

// ParseISDAS parses "ISD-AS" where AS is decimal (BGP style, below 2^32) or
// three groups of up to four hex digits ("ff00:0:1"). ISD 0 and AS 0 are
// wildcards in SCION and are refused.
func ParseISDAS(s string) (ISDAS, error) {
	isd, as, ok := strings.Cut(s, "-")
	if !ok {
		return ISDAS{}, fmt.Errorf("%q is not an ISD-AS like 1-ff00:0:1", s)
	}
	i, err := strconv.ParseUint(isd, 10, 16)
	if err != nil || i == 0 {
		return ISDAS{}, fmt.Errorf("%q is not an ISD-AS like 1-ff00:0:1: ISD must be 1-65535", s)
	}
	var a uint64
	if groups := strings.Split(as, ":"); len(groups) == 3 {
		for _, g := range groups {
			v, err := strconv.ParseUint(g, 16, 16)
			if err != nil || len(g) == 0 || len(g) > 4 {
				return ISDAS{}, fmt.Errorf("%q is not an ISD-AS like 1-ff00:0:1: AS groups must be 1-4 hex digits", s)
			}
			a = a<<16 | v
		}
	} else {
		a, err = strconv.ParseUint(as, 10, 32)
		if err != nil {
			return ISDAS{}, fmt.Errorf("%q is not an ISD-AS like 1-ff00:0:1: AS must be decimal below 2^32 or ffff:ffff:ffff hex", s)
		}
	}
	if a == 0 {
		return ISDAS{}, fmt.Errorf("%q is not an ISD-AS like 1-ff00:0:1: AS 0 is a wildcard", s)
	}
	return ISDAS{ISD: uint16(i), AS: a}, nil
}

// ASString formats the AS the SCION way: decimal below 2^32, else
// "ff00:0:1".
func (ia ISDAS) ASString() string {
	if ia.AS <= maxBGPAS {
		return strconv.FormatUint(ia.AS, 10)
	}
	return fmt.Sprintf("%x:%x:%x", ia.AS>>32&0xffff, ia.AS>>16&0xffff, ia.AS&0xffff)
}

// String formats ia as "1-ff00:0:1".
func (ia ISDAS) String() string { return fmt.Sprintf("%d-%s", ia.ISD, ia.ASString()) }

// SinkTemplate is the placeholder of kafka_topic that is replaced by the INT
// sink name.
const SinkTemplate = "{sink}"

// SinkName is the name "{sink}" becomes in a topic: "AS" + the AS with ':'
// replaced by '_' + "-" + the sink index (1-ff00:0:1, 1 -> ASff00_0_1-1).
func SinkName(ia ISDAS, index int) string {
	return "AS" + strings.ReplaceAll(ia.ASString(), ":", "_") + "-" + strconv.Itoa(index)
}
