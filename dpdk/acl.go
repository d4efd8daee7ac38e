package dpdk

/*
#include "shim.h"

static struct rte_acl_ctx *w2k_acl_create(const char *name, int socket, uint32_t nfields,
	uint32_t max_rules, int *err)
{
	struct rte_acl_param p = {
		.name = name,
		.socket_id = socket,
		.rule_size = RTE_ACL_RULE_SZ(nfields),
		.max_rule_num = max_rules,
	};
	struct rte_acl_ctx *ctx = rte_acl_create(&p);
	*err = ctx == NULL ? rte_errno : 0;
	return ctx;
}

// Add n rules: vals holds value and mask/range per field per rule.
static int w2k_acl_add(struct rte_acl_ctx *ctx, const uint8_t *sizes, uint32_t nfields,
	const uint64_t *vals, const int32_t *prio, const uint32_t *ids, uint32_t n)
{
	size_t sz = RTE_ACL_RULE_SZ(nfields);
	uint8_t *buf = calloc(n, sz);
	if (buf == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		struct rte_acl_rule *r = (struct rte_acl_rule *)(buf + i * sz);
		r->data.category_mask = 1;
		r->data.priority = prio[i];
		r->data.userdata = ids[i];
		for (uint32_t f = 0; f < nfields; f++) {
			uint64_t v = vals[(i * nfields + f) * 2];
			uint64_t m = vals[(i * nfields + f) * 2 + 1];
			switch (sizes[f]) {
			case 1: r->field[f].value.u8 = v; r->field[f].mask_range.u8 = m; break;
			case 2: r->field[f].value.u16 = v; r->field[f].mask_range.u16 = m; break;
			case 4: r->field[f].value.u32 = v; r->field[f].mask_range.u32 = m; break;
			default: r->field[f].value.u64 = v; r->field[f].mask_range.u64 = m; break;
			}
		}
	}
	int rc = rte_acl_add_rules(ctx, (const struct rte_acl_rule *)buf, n);
	free(buf);
	return rc;
}

static int w2k_acl_build(struct rte_acl_ctx *ctx, const struct rte_acl_field_def *defs,
	uint32_t nfields, size_t max_size)
{
	struct rte_acl_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.num_categories = 1;
	cfg.num_fields = nfields;
	memcpy(cfg.defs, defs, nfields * sizeof(defs[0]));
	cfg.max_size = max_size;
	return rte_acl_build(ctx, &cfg);
}
*/
import "C"

import (
	"fmt"
	"sort"
	"sync/atomic"
	"unsafe"
)

// ACLMaxFields is the most fields an ACL rule may have (RTE_ACL_MAX_FIELDS).
const ACLMaxFields = C.RTE_ACL_MAX_FIELDS

// ACLMaxRules is the most rules one ACL context may hold: each rule gets a
// distinct rte_acl priority (see NewACL).
const ACLMaxRules = C.RTE_ACL_MAX_PRIORITY - 1

// ACLFieldType is how a field of a rule matches the input.
type ACLFieldType uint8

// ACL field types (RTE_ACL_FIELD_TYPE_*).
const (
	// ACLMask: value/prefix length, as in an IP prefix.
	ACLMask ACLFieldType = C.RTE_ACL_FIELD_TYPE_MASK
	// ACLRange: low..high inclusive, as for ports.
	ACLRange ACLFieldType = C.RTE_ACL_FIELD_TYPE_RANGE
	// ACLBitmask: value/bit mask, as for a protocol number.
	ACLBitmask ACLFieldType = C.RTE_ACL_FIELD_TYPE_BITMASK
)

// ACLField defines one field of the input tuple (struct rte_acl_field_def).
// rte_acl reads input in groups of 4 bytes (InputIndex) after a first
// 1-byte field; see rte_acl.h.
type ACLField struct {
	Type       ACLFieldType
	Size       uint8  // 1, 2, 4 or 8 bytes
	FieldIndex uint8  // index of the field in a rule's Values
	InputIndex uint8  // 4-byte input group
	Offset     uint32 // byte offset in the input tuple
}

// IPv4FiveTupleFields is the field layout of IPv4Tuple: protocol (bitmask),
// source and destination address (prefix), source and destination port
// (range).
func IPv4FiveTupleFields() []ACLField {
	return []ACLField{
		{Type: ACLBitmask, Size: 1, FieldIndex: 0, InputIndex: 0, Offset: 0},
		{Type: ACLMask, Size: 4, FieldIndex: 1, InputIndex: 1, Offset: 4},
		{Type: ACLMask, Size: 4, FieldIndex: 2, InputIndex: 2, Offset: 8},
		{Type: ACLRange, Size: 2, FieldIndex: 3, InputIndex: 3, Offset: 12},
		{Type: ACLRange, Size: 2, FieldIndex: 4, InputIndex: 3, Offset: 14},
	}
}

// ACLValue is one field of a rule, in host byte order: Value and
// MaskRange are value/prefix length (ACLMask), low/high (ACLRange) or
// value/bit mask (ACLBitmask).
type ACLValue struct {
	Value, MaskRange uint64
}

// ACLRule is a rule over any field layout.
type ACLRule struct {
	// Priority: among matching rules the highest wins; among equal
	// priorities the one earlier in the list given to NewACL.
	Priority int32
	// ID is returned by Classify on a match; it must not be 0 (0 means no
	// match).
	ID uint32
	// Values has one entry per field, indexed by ACLField.FieldIndex.
	Values []ACLValue
}

// IPv4Rule is an IPv4 5-tuple rule, in host byte order.
type IPv4Rule struct {
	Proto, ProtoMask     uint8  // protocol matches if proto&ProtoMask == Proto&ProtoMask; mask 0: any
	SrcIP                uint32 // source prefix
	SrcPrefix            uint8  // 0..32; 0: any
	DstIP                uint32 // destination prefix
	DstPrefix            uint8  // 0..32; 0: any
	SrcPortLo, SrcPortHi uint16 // inclusive; 0..65535: any
	DstPortLo, DstPortHi uint16 // inclusive
	Priority             int32  // highest wins; ties: earlier rule wins
	ID                   uint32 // non-zero, returned on a match
}

// ACLRule converts r for the IPv4FiveTupleFields layout.
func (r IPv4Rule) ACLRule() ACLRule {
	return ACLRule{Priority: r.Priority, ID: r.ID, Values: []ACLValue{
		{uint64(r.Proto), uint64(r.ProtoMask)},
		{uint64(r.SrcIP), uint64(r.SrcPrefix)},
		{uint64(r.DstIP), uint64(r.DstPrefix)},
		{uint64(r.SrcPortLo), uint64(r.SrcPortHi)},
		{uint64(r.DstPortLo), uint64(r.DstPortHi)},
	}}
}

// Validate checks the ranges of r.
func (r IPv4Rule) Validate() error {
	switch {
	case r.SrcPrefix > 32 || r.DstPrefix > 32:
		return fmt.Errorf("%w: rule %d: prefix length %d/%d over 32", ErrACLRule, r.ID, r.SrcPrefix, r.DstPrefix)
	case r.SrcPortLo > r.SrcPortHi || r.DstPortLo > r.DstPortHi:
		return fmt.Errorf("%w: rule %d: empty port range %d-%d/%d-%d", ErrACLRule, r.ID, r.SrcPortLo, r.SrcPortHi, r.DstPortLo, r.DstPortHi)
	}
	return nil
}

// ACLConfig configures NewACL.
type ACLConfig struct {
	// Name prefixes the context's name (at most 16 bytes); a sequence
	// number makes it unique, since rte_acl_create returns an existing
	// context of the same name.
	Name string
	// Fields is the input layout; nil means IPv4FiveTupleFields.
	Fields []ACLField
	// MaxSize limits the run-time structures in bytes (0: no limit);
	// rte_acl then splits the rules over more tries.
	MaxSize uint64
	// Socket is the NUMA socket of the context's memory, or SocketAny.
	Socket int
}

// ACL is a built rte_acl context: immutable, safe for concurrent Classify
// calls from any number of goroutines and lcores. To change rules, build a
// new ACL while the old one keeps classifying, switch the workers to it
// (for example through an atomic.Pointer), then Close the old one once no
// worker uses it.
type ACL struct {
	ctx    *C.struct_rte_acl_ctx
	name   string
	rules  int
	fields int
}

var aclSeq atomic.Uint64

// NewACL creates and builds an ACL context with rules. Errors wrap
// ErrACLFields (bad layout: no field, more than ACLMaxFields, bad sizes or
// indexes) or ErrACLRule (bad rule), or carry DPDK's errno.
//
// rte_acl leaves the winner among matching rules of equal priority
// unspecified, so NewACL ranks the rules itself by (Priority, position)
// and gives rte_acl distinct priorities: the result is the highest
// Priority, and among equal priorities the earliest rule in rules.
func NewACL(cfg ACLConfig, rules []ACLRule) (*ACL, error) {
	if !Initialized() {
		return nil, ErrNotInitialized
	}
	fields := cfg.Fields
	if fields == nil {
		fields = IPv4FiveTupleFields()
	}
	if err := checkACLFields(fields); err != nil {
		return nil, err
	}
	if len(rules) > ACLMaxRules {
		return nil, fmt.Errorf("%w: %d rules, at most %d", ErrACLRule, len(rules), ACLMaxRules)
	}
	nf := len(fields)
	sizes := make([]C.uint8_t, nf)
	for _, f := range fields {
		sizes[f.FieldIndex] = C.uint8_t(f.Size)
	}
	vals := make([]C.uint64_t, 0, len(rules)*nf*2)
	ids := make([]C.uint32_t, len(rules))
	for i, r := range rules {
		if len(r.Values) != nf {
			return nil, fmt.Errorf("%w: rule %d (id %d) has %d fields, the layout %d", ErrACLFields, i, r.ID, len(r.Values), nf)
		}
		if r.ID == 0 {
			return nil, fmt.Errorf("%w: rule %d: id 0 is reserved for no match", ErrACLRule, i)
		}
		for _, v := range r.Values {
			vals = append(vals, C.uint64_t(v.Value), C.uint64_t(v.MaskRange))
		}
		ids[i] = C.uint32_t(r.ID)
	}
	// Rank: ascending priority, later rules first among equals, so the
	// earliest rule of the highest priority gets the highest rank.
	order := make([]int, len(rules))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		ra, rb := rules[order[a]], rules[order[b]]
		if ra.Priority != rb.Priority {
			return ra.Priority < rb.Priority
		}
		return order[a] > order[b]
	})
	prio := make([]C.int32_t, len(rules))
	for rank, i := range order {
		prio[i] = C.int32_t(rank + 1)
	}
	prefix := cfg.Name
	if prefix == "" {
		prefix = "w2k_acl"
	}
	if len(prefix) > 16 {
		prefix = prefix[:16]
	}
	name := fmt.Sprintf("%s_%d", prefix, aclSeq.Add(1))
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var errno C.int
	ctx := C.w2k_acl_create(cname, C.int(cfg.Socket), C.uint32_t(nf), C.uint32_t(max(len(rules), 1)), &errno)
	if ctx == nil {
		return nil, errnoErr(fmt.Sprintf("acl %s: create", name), errno)
	}
	a := &ACL{ctx: ctx, name: name, rules: len(rules), fields: nf}
	if len(rules) == 0 {
		return a, nil // rte_acl cannot build an empty context; Classify handles it
	}
	{
		if rc := C.w2k_acl_add(ctx, &sizes[0], C.uint32_t(nf), &vals[0], &prio[0], &ids[0], C.uint32_t(len(rules))); rc < 0 {
			a.Close()
			return nil, errnoErr(fmt.Sprintf("acl %s: add %d rules", name, len(rules)), rc)
		}
	}
	defs := make([]C.struct_rte_acl_field_def, nf)
	for i, f := range fields {
		defs[i] = C.struct_rte_acl_field_def{
			_type: C.uint8_t(f.Type), size: C.uint8_t(f.Size),
			field_index: C.uint8_t(f.FieldIndex), input_index: C.uint8_t(f.InputIndex),
			offset: C.uint32_t(f.Offset),
		}
	}
	if rc := C.w2k_acl_build(ctx, &defs[0], C.uint32_t(nf), C.size_t(cfg.MaxSize)); rc < 0 {
		a.Close()
		return nil, errnoErr(fmt.Sprintf("acl %s: build %d rules", name, len(rules)), rc)
	}
	return a, nil
}

// NewIPv4ACL validates and builds IPv4 5-tuple rules (see NewACL).
func NewIPv4ACL(name string, rules []IPv4Rule) (*ACL, error) {
	rs := make([]ACLRule, len(rules))
	for i, r := range rules {
		if err := r.Validate(); err != nil {
			return nil, err
		}
		rs[i] = r.ACLRule()
	}
	return NewACL(ACLConfig{Name: name, Socket: SocketAny}, rs)
}

func checkACLFields(fields []ACLField) error {
	if len(fields) == 0 || len(fields) > ACLMaxFields {
		return fmt.Errorf("%w: %d fields, want 1..%d", ErrACLFields, len(fields), ACLMaxFields)
	}
	seen := make([]bool, len(fields))
	for i, f := range fields {
		switch {
		case f.Type > ACLBitmask:
			return fmt.Errorf("%w: field %d: type %d", ErrACLFields, i, f.Type)
		case f.Size != 1 && f.Size != 2 && f.Size != 4 && f.Size != 8:
			return fmt.Errorf("%w: field %d: size %d, want 1, 2, 4 or 8", ErrACLFields, i, f.Size)
		case i == 0 && f.Size != 1:
			return fmt.Errorf("%w: the first field must be 1 byte (rte_acl reads it alone), not %d", ErrACLFields, f.Size)
		case int(f.FieldIndex) >= len(fields) || seen[f.FieldIndex]:
			return fmt.Errorf("%w: field %d: field index %d duplicate or over %d", ErrACLFields, i, f.FieldIndex, len(fields)-1)
		}
		seen[f.FieldIndex] = true
	}
	return nil
}

// Name returns the context's unique name.
func (a *ACL) Name() string { return a.name }

// Rules returns the number of rules.
func (a *ACL) Rules() int { return a.rules }

// Classify classifies tuples [0, n) of b into b.Results()[0:n] in one cgo
// call: the matching rule's ID, or 0 for no match. It does not allocate.
func (a *ACL) Classify(b *ACLBatch, n int) error {
	if n < 0 || n > b.n {
		panic(fmt.Sprintf("dpdk: ACL classify of %d tuples in a batch of %d", n, b.n))
	}
	if n == 0 {
		return nil
	}
	if a.rules == 0 {
		clear(b.resGo[:n])
		return nil
	}
	if rc := C.rte_acl_classify(a.ctx, b.ptrs, b.res, C.uint32_t(n), 1); rc != 0 {
		return errACLClassify
	}
	return nil
}

// errACLClassify is made once: Classify runs on the data path.
var errACLClassify = fmt.Errorf("dpdk: rte_acl_classify: %w", Errno(C.EINVAL))

// Close frees the context (rte_acl_free). No Classify may run on it then.
func (a *ACL) Close() {
	if a.ctx != nil {
		C.rte_acl_free(a.ctx)
		a.ctx = nil
	}
}
