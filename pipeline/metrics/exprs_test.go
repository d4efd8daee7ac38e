package metrics

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// expr is one PromQL expression of a deploy file, with where it is from.
type expr struct {
	where, query string
}

// dashboardExprs extracts every PromQL expression of a Grafana dashboard:
// panel targets and query template variables (label_values(m, l) becomes
// `group by (l) (m)`). Grafana's variables are replaced by what a user
// choosing "All" gets.
func dashboardExprs(t *testing.T, path string) []expr {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
		Templating struct {
			List []struct {
				Name       string `json:"name"`
				Definition string `json:"definition"` // the query, as text`
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []expr
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			out = append(out, expr{"panel " + p.Title, grafanaVars(tg.Expr)})
		}
	}
	labelValues := regexp.MustCompile(`^label_values\((.*),\s*(\w+)\)$`)
	for _, v := range dash.Templating.List {
		m := labelValues.FindStringSubmatch(v.Definition)
		if m == nil {
			t.Errorf("%s: variable %s: query %q is not label_values(metric, label)", path, v.Name, v.Definition)
			continue
		}
		out = append(out, expr{"variable " + v.Name, grafanaVars("group by (" + m[2] + ") (" + m[1] + ")")})
	}
	return out
}

func grafanaVars(q string) string {
	return strings.NewReplacer("$__rate_interval", "10s", "$__interval", "2s", "$__range", "5m",
		"$pipeline", ".*", "$worker", ".*").Replace(q)
}

// ruleExprs extracts the expressions of a Prometheus rule file.
func ruleExprs(t *testing.T, path string) []expr {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Groups []struct {
			Rules []struct {
				Alert, Record, Expr string
			}
		}
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []expr
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			out = append(out, expr{"alert " + r.Alert + r.Record, r.Expr})
		}
	}
	return out
}

// alertData returns the part of an alert expression that must return data
// on a healthy daemon: the expression without its final comparison
// (`... > 0`, `... == 0`), and without the `and` guard.
func alertData(q string) string {
	q = strings.TrimSpace(q)
	if i := strings.Index(q, " and "); i >= 0 {
		q = q[:i]
	}
	cmp := regexp.MustCompile(`\s*(==|!=|>=|<=|>|<)\s*[0-9.e]+$`)
	return cmp.ReplaceAllString(q, "")
}
