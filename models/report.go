package models

import (
	"context"
	"errors"
	"fmt"
	"sort"
)

// MinAnswers is the rule of 5 of the feedback (DESIGN §3.6): no breakdown
// of answers, and no free text, is shown for a group of fewer answers.
const MinAnswers = 5

// ReportTextLimit bounds the free-text answers a report lists (the newest
// first); the report says how many there are in all.
const ReportTextLimit = 200

// ReportFilter narrows a season report: a région, a département, a set
// of CLSMs (empty fields: the whole programme). A coordinator's report
// always names their CLSMs.
type ReportFilter struct {
	SeasonID        int64
	RegionCode      string
	DepartementCode string
	CLSMIDs         []int64
}

// KmFunc is the distance in kilometres between two communes (INSEE codes),
// zero when either is unknown: models knows no coordinates, the caller
// gives the territory's.
type KmFunc func(fromINSEE, toINSEE string) float64

// Figures are a season's headline figures, the ones compared with the
// previous season.
type Figures struct {
	RequestsReceived  int // submitted at least once
	RequestsAccepted  int // accepted at some point (even if later cancelled or withdrawn)
	RequestsDeclined  int
	RequestsWithdrawn int
	SessionsHeld      int
	QPVs              int // distinct QPVs of the held sessions' requests
	Communes          int // distinct communes of the held sessions
	Registered        int // confirmed registrations to held sessions
	// Attended counts the people ticked present, walk-ins included, and,
	// for a session with no tick at all, the count of its signed sheet.
	Attended int
	// SheetOnly is the part of Attended counted from signed sheets only
	// (no category, no organisation).
	SheetOnly     int
	Organisations int // distinct organisations with someone present
	// OrgsPerSession is the mean number of distinct organisations present
	// per held session.
	OrgsPerSession float64
	LinksSent      int // feedback links sent
	Answers        int // feedback answers
	// The answers' figures, meaningful only when Answers >= MinAnswers.
	SatisfactionMean    float64
	KnowledgeBeforeMean float64
	KnowledgeAfterMean  float64
	KnowsWhereYes       int
	RecommendYes        int
	// LeadDays are the median and 90th percentile of the days from a
	// request's submission to its session; -1 when no session was held.
	LeadMedianDays, LeadP90Days int
	Hours                       float64 // facilitators' hours in held sessions
	Km                          float64 // estimated km travelled (see FacilitatorLoad.Km)
}

// ResponseRate is answers per link sent (0 when none was sent).
func (f Figures) ResponseRate() float64 { return ratio(f.Answers, f.LinksSent) }

// AttendanceRate is people present per confirmed registration.
func (f Figures) AttendanceRate() float64 { return ratio(f.Attended, f.Registered) }

// KnowsWhereShare is the share of answers saying they know where to
// direct someone now.
func (f Figures) KnowsWhereShare() float64 { return ratio(f.KnowsWhereYes, f.Answers) }

// RecommendShare is the share of answers that would recommend the session.
func (f Figures) RecommendShare() float64 { return ratio(f.RecommendYes, f.Answers) }

// EnoughAnswers says whether the answers may be broken down (rule of 5).
func (f Figures) EnoughAnswers() bool { return f.Answers >= MinAnswers }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// PlaceCount is the number of sessions held in one département.
type PlaceCount struct {
	RegionCode      string
	DepartementCode string
	Sessions        int
}

// GroupCount is registered and present people of one group: a category
// of participant or a kind of organisation ("" for walk-ins whose
// organisation has no kind).
type GroupCount struct {
	Key        string
	Registered int
	Attended   int
}

// FacilitatorLoad is one facilitator's held sessions in the season.
type FacilitatorLoad struct {
	UserID   int64
	Name     string
	Sessions int
	Hours    float64
	// Km is an estimate: a return trip, as the crow flies, from the
	// facilitator's home commune to each in-person session's commune
	// (chained trips make the real figure smaller, roads larger).
	Km float64
}

// FreeText is one free-text answer, for reading (never attributed).
type FreeText struct {
	Question string // "most_useful" or "improve"
	Text     string
}

// SeasonReport is the season's report for a filter, with the previous
// season's headline figures for the same filter.
type SeasonReport struct {
	Season   Season
	Filter   ReportFilter
	Figures  Figures
	Previous *Season
	// PreviousFigures are the previous season's figures (zero when there
	// is no previous season).
	PreviousFigures Figures
	Places          []PlaceCount   // by région then département code
	Categories      []GroupCount   // in Categories order
	OrgKinds        []GroupCount   // in OrgKinds order, then walk-ins ("")
	OrgsPerSession  map[int]int    // number of distinct organisations present → sessions
	Satisfaction    [5]int         // answers giving 1…5 (zero below MinAnswers)
	KnowledgeBefore [5]int         // idem
	KnowledgeAfter  [5]int         // idem
	KnowsWhere      map[string]int // oui, non, ne_sait_pas (empty below MinAnswers)
	Facilitators    []FacilitatorLoad
	// Texts are the newest free-text answers (ReportTextLimit at most), of
	// TextCount; none when the report has fewer than MinAnswers answers.
	Texts     []FreeText
	TextCount int
}

// SeasonReport builds the report of f.SeasonID and its previous season (the
// one starting last before it), for the filter, in a bounded number of
// aggregate statements whatever the number of sessions. km estimates the
// facilitators' travel (nil: no km).
func (s *Store) SeasonReport(ctx context.Context, f ReportFilter, km KmFunc) (SeasonReport, error) {
	se, err := s.SeasonByID(ctx, f.SeasonID)
	if err != nil {
		return SeasonReport{}, err
	}
	rep := SeasonReport{Season: se, Filter: f, OrgsPerSession: map[int]int{}, KnowsWhere: map[string]int{}}
	var prev Season
	err = s.q(ctx).Where("starts_on < ? AND id <> ?", se.StartsOn, se.ID).Order("starts_on DESC, id DESC").Take(&prev).Error
	switch {
	case err == nil:
		rep.Previous = &prev
	case !errors.Is(notFound(err, "season"), ErrNotFound):
		return rep, fmt.Errorf("season before %d: %w", se.ID, err)
	}
	q := reportQuery{s: s, ctx: ctx, f: f, cur: se.ID, seasons: []int64{se.ID}}
	if rep.Previous != nil {
		q.seasons = append(q.seasons, prev.ID)
	}
	figs := map[int64]*Figures{se.ID: &rep.Figures}
	if rep.Previous != nil {
		figs[prev.ID] = &rep.PreviousFigures
	}
	steps := []func(*SeasonReport, map[int64]*Figures) error{
		q.requests, q.places, q.coverage, q.people, q.organisations, q.feedback,
		q.answers, q.leadTimes, func(r *SeasonReport, fg map[int64]*Figures) error { return q.facilitators(r, fg, km) }, q.texts,
	}
	for _, step := range steps {
		if err := step(&rep, figs); err != nil {
			return rep, fmt.Errorf("report of season %d: %w", se.ID, err)
		}
	}
	return rep, nil
}

// percentile returns the smallest value v of a histogram (value → count,
// sorted by value) such that at least p of the counts are at or below v;
// -1 for an empty histogram.
func percentile(values, counts []int, p float64) int {
	total := 0
	for _, n := range counts {
		total += n
	}
	if total == 0 {
		return -1
	}
	// The rank of the percentile, 1-based (nearest-rank method).
	rank := int(p*float64(total) + 0.999999)
	rank = max(rank, 1)
	seen := 0
	for i, n := range counts {
		seen += n
		if seen >= rank {
			return values[i]
		}
	}
	return values[len(values)-1]
}

// sortedKeys returns the keys of a count map in increasing order.
func sortedKeys(m map[int]int) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}
