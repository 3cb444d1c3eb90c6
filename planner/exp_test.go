package planner_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"quartier/planner"
)

func TestExperiment(t *testing.T) {
	if os.Getenv("EXP") == "" {
		t.Skip()
	}
	mult, _ := strconv.ParseFloat(os.Getenv("EXP"), 64)
	names := strings.Split(os.Getenv("EXPN"), ",")
	for _, name := range names {
		in, _ := loadInstance(t, name)
		sum, n := 0.0, 0
		var line string
		for seed := uint64(0); seed < 4; seed++ {
			t0 := time.Now()
			plan, _ := planner.Solve(context.Background(), in, planner.Options{Seed: seed, Steps: int64(mult * planner.DefaultStepsPerRequest * float64(len(in.Requests)))})
			line += " " + strconv.Itoa(plan.Stats.PriorityAssigned) + "/" + strconv.FormatFloat(kmPerSession(plan), 'f', 1, 64) + "/" + time.Since(t0).Round(10*time.Millisecond).String()
			sum += kmPerSession(plan)
			n++
		}
		t.Logf("%s mean %.1f:%s", name, sum/float64(n), line)
	}
}
