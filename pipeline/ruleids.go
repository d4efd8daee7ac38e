package pipeline

import "wire2kafka/config"

// ruleIDs keeps rule identity across reloads. A packet carries its rule's
// id from the ACL worker to the Kafka worker through up to four rings; a
// reload swaps the rule set between those stages. Ids are therefore tied
// to rule names, not list positions: a rule keeps its id in every
// generation that has a rule of its name, and a new name gets an id never
// used before, so an in-flight packet of a deleted rule finds no rule
// (no_rule) instead of another rule's function and topic.
type ruleIDs struct {
	byName map[string]uint32
	next   uint32 // the next id never used
}

// assign returns a copy of plan whose rules carry stable ids, and records
// them. The first plan keeps its ids (list position + 1).
func (r *ruleIDs) assign(plan *config.Plan) *config.Plan {
	out := *plan
	out.Rules = append([]config.RulePlan(nil), plan.Rules...)
	if r.byName == nil {
		r.byName = map[string]uint32{}
		r.next = 1
	}
	byName := make(map[string]uint32, len(out.Rules))
	for i := range out.Rules {
		rp := &out.Rules[i]
		id, ok := r.byName[rp.Name]
		if !ok {
			id = r.next
			r.next++
		}
		rp.ID = id
		byName[rp.Name] = id
	}
	r.byName = byName
	return &out
}
