package mailer

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"quartier/links"
	"quartier/models"
)

// roadFixture is a store wired to a Composer, with an admin, a CLSM, its
// coordinator and a season, the clock at 2026-11-25 09:00 UTC.
type roadFixture struct {
	s            *models.Store
	c            *Composer
	clock        *mailClock
	admin, coord models.User
	clsm         models.CLSM
}

func newRoadFixture(t testing.TB) *roadFixture {
	t.Helper()
	ctx := context.Background()
	clock := &mailClock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	s, _ := newTestStore(t, clock)
	l, err := links.New([]byte(strings.Repeat("k", 40)), "https://quartier.example.org")
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewComposer(ComposerConfig{BaseURL: "https://quartier.example.org", From: "ne-pas-repondre@quartier.example.org",
		FromName: "La santé mentale dans mon quartier", Links: l})
	if err != nil {
		t.Fatal(err)
	}
	f := &roadFixture{s: s, c: c, clock: clock}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f.admin, err = s.CreateFirstAdmin(ctx, "admin@exemple.fr", "Alice Admin")
	must(err)
	_, err = s.ImportQPVs(ctx, f.admin.ID, []models.QPVInput{{Line: 1, Code: "QN05901M", Name: "Alma", Communes: []string{"59512"}}})
	must(err)
	f.clsm, err = s.CreateCLSM(ctx, f.admin.ID, models.CLSMInput{Name: "CLSM de Roubaix", RegionCode: "32", DepartementCode: "59",
		Communes: []string{"59512"}, QPVs: []string{"QN05901M"}})
	must(err)
	f.coord, err = s.CreateUser(ctx, f.admin.ID, models.NewUser{Email: "coord@exemple.fr", Name: "Nadia Coord", Role: models.RoleCoordinator}, &f.clsm.ID)
	must(err)
	_, err = s.CreateSeason(ctx, f.admin.ID, "Saison 2026-2027", time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 7, 2, 0, 0, 0, 0, time.UTC))
	must(err)
	return f
}

func (f *roadFixture) input() models.RequestInput {
	today := models.CalendarDay(f.clock.Now())
	day := func(d int) time.Time { return time.Date(2027, 1, d, 0, 0, 0, 0, time.UTC) }
	return models.RequestInput{
		CommuneINSEE: "59512", QPVs: []string{"QN05901M"}, VenueName: "Centre social de l’Alma", VenueAddress: "1 rue de l’Alma, 59100 Roubaix",
		StepFree: models.StepFreeYes, Format: models.FormatInPerson, AudienceResidents: true, ExpectedCount: 15,
		Partners: []string{"Mission locale"}, TimeZone: "Europe/Paris",
		Windows: []models.RequestWindow{
			{Kind: models.WindowDay, DateFrom: day(11), Part: models.Morning},
			{Kind: models.WindowDay, DateFrom: day(12), Part: models.Afternoon},
			{Kind: models.WindowRange, DateFrom: day(18), DateTo: day(29), Weekdays: "2,4", Part: models.Afternoon},
		},
		Today: today, Earliest: today.AddDate(0, 0, 28),
	}
}

// submitted seeds n submitted requests, without their emails.
func (f *roadFixture) submitted(t testing.TB, n int) []int64 {
	t.Helper()
	ids := make([]int64, n)
	for i := range ids {
		r, err := f.s.SeedRequest(context.Background(), f.clsm.ID, f.coord.ID, f.input(), f.clock.Now(),
			[]models.SeedStep{{To: models.RequestSubmitted, ActorID: f.coord.ID, At: f.clock.Now()}})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = r.ID
	}
	return ids
}

// recorder is a models.Mail that passes each notice to the real Composer
// and keeps what went through.
type recorder struct {
	c       *Composer
	mu      sync.Mutex
	at      []time.Time
	notices []models.Notice
	envs    [][]models.Envelope
}

func (r *recorder) Compose(at time.Time, n models.Notice) ([]models.Envelope, error) {
	envs, err := r.c.Compose(at, n)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.at, r.notices, r.envs = append(r.at, at), append(r.notices, n), append(r.envs, envs)
	return envs, err
}

// TestRoad_OutboxHoldsTheComposedBytes follows every kind of notice from
// its operation to the outbox: the row holds exactly what was composed,
// composing the same notice again gives the same bytes (a retry, or a second
// instance, sends a byte-identical message), and the kinds, recipients and
// links are the ones each notice calls for.
func TestRoad_OutboxHoldsTheComposedBytes(t *testing.T) {
	f := newRoadFixture(t)
	ctx := context.Background()
	rec := &recorder{c: f.c}
	f.s.UseMail(rec)
	if _, err := f.s.CreateUser(ctx, f.admin.ID, models.NewUser{Email: "admin2@exemple.fr", Name: "Bruno Admin", Role: models.RoleAdmin}, nil); err != nil {
		t.Fatal(err)
	}
	r, err := f.s.CreateRequest(ctx, f.coord.ID, f.clsm.ID, f.input(), true)
	if err != nil {
		t.Fatal(err)
	}
	steps := []func() error{
		func() error {
			in := f.input()
			in.VenueName += ", 1er étage" // an edit that changes something is announced
			_, err := f.s.UpdateRequest(ctx, f.coord.ID, r.ID, in, false)
			return err
		},
		func() error {
			_, err := f.s.DecideRequest(ctx, f.admin.ID, r.ID, models.RequestChangesRequested, "Précisez la salle.")
			return err
		},
		func() error { _, err := f.s.UpdateRequest(ctx, f.coord.ID, r.ID, f.input(), true); return err },
		func() error { return f.s.WithdrawRequest(ctx, f.coord.ID, r.ID, "Plus de salle.") },
		func() error {
			return f.s.RequestSignInLink(ctx, f.coord.Email, "/demandes", models.SignInPolicy{TTL: 15 * time.Minute})
		},
	}
	for i, step := range steps {
		f.clock.Add(time.Minute)
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	var got []string
	for i, envs := range rec.envs {
		again, err := f.c.Compose(rec.at[i], rec.notices[i])
		if err != nil {
			t.Fatal(err)
		}
		if len(again) != len(envs) {
			t.Fatalf("notice %T: %d then %d messages", rec.notices[i], len(envs), len(again))
		}
		for j, env := range envs {
			if !bytes.Equal(env.Payload, again[j].Payload) {
				t.Errorf("%s: composing again gives other bytes", env.DedupKey)
			}
			row, err := outboxRow(ctx, f.s, env.DedupKey)
			if err != nil {
				t.Fatalf("%s: %v", env.DedupKey, err)
			}
			if row.Payload != string(env.Payload) || row.Recipient != env.To || row.Kind != env.Kind {
				t.Errorf("%s: the outbox row is not the composed message", env.DedupKey)
			}
			got = append(got, env.Kind+">"+env.To)
		}
	}
	want := []string{
		// The fixture's coordinator was created before the recorder.
		"welcome>admin2@exemple.fr",
		"request_received>coord@exemple.fr", "request_to_review>admin@exemple.fr", "request_to_review>admin2@exemple.fr",
		"request_to_review>admin@exemple.fr", "request_to_review>admin2@exemple.fr", // edited
		"request_decision>coord@exemple.fr",
		"request_received>coord@exemple.fr", "request_to_review>admin@exemple.fr", "request_to_review>admin2@exemple.fr", // resubmitted
		"request_to_review>admin@exemple.fr", "request_to_review>admin2@exemple.fr", // withdrawn
		"magic_link>coord@exemple.fr",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("messages:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	last := rec.envs[len(rec.envs)-1][0]
	m := decodeEnvelope(t, last)
	if !strings.Contains(m.Text, "https://quartier.example.org/connexion/lien/") || !strings.Contains(m.Text, "?suite=%2Fdemandes") {
		t.Errorf("sign-in message without its link:\n%s", m.Text)
	}
	if !last.Sensitive {
		t.Error("the sign-in message is not sensitive")
	}
	if m.Date != f.clock.Now() {
		t.Errorf("dated %s, not at the operation's time %s", m.Date, f.clock.Now())
	}
}

func outboxRow(ctx context.Context, s *models.Store, key string) (models.OutboxMessage, error) {
	msgs, _, err := s.ListOutbox(ctx, models.OutboxFilter{Limit: 1000})
	if err != nil {
		return models.OutboxMessage{}, err
	}
	for _, m := range msgs {
		if m.DedupKey == key {
			return s.OutboxMessageByID(ctx, m.ID)
		}
	}
	return models.OutboxMessage{}, fmt.Errorf("no outbox row %s", key)
}

func TestCompose_RefusesNoNotice(t *testing.T) {
	if _, err := testComposer(t).Compose(time.Now(), nil); err == nil {
		t.Error("composed a nil notice")
	}
}

// prebuilt is a models.Mail that returns one envelope built once: the
// store's work without any rendering.
type prebuilt struct{ env models.Envelope }

func (p prebuilt) Compose(_ time.Time, n models.Notice) ([]models.Envelope, error) {
	env := p.env
	if d, ok := n.(*models.RequestDecisionNotice); ok {
		env.DedupKey = fmt.Sprintf("request-decision:%d:%d", d.Request.ID, d.Event.ID)
	}
	return []models.Envelope{env}, nil
}

// BenchmarkDecideRequest measures what rendering the decision email costs
// inside the write transaction: the same operation with the real Composer
// and with a Mail that hands back an envelope rendered beforehand,
// alternated iteration by iteration so that the load of a shared machine
// weighs on both alike. It reports each one's ns per operation and their
// ratio (ns/op is the pair).
func BenchmarkDecideRequest(b *testing.B) {
	f := newRoadFixture(b)
	env, err := f.c.RequestDecision(RequestDecisionData{Key: "k", Name: "Nadia Coord", Email: "coord@exemple.fr",
		CLSMName: "CLSM de Roubaix", RequestID: 1, Decision: "accepted", RequestURL: "/demandes/1",
		Windows: []string{"lundi 11 janvier 2027, matin", "mardi 12 janvier 2027, après-midi"}})
	if err != nil {
		b.Fatal(err)
	}
	mails := [2]models.Mail{f.c, prebuilt{env}}
	ids := f.submitted(b, 2*b.N)
	ctx := context.Background()
	var spent [2]time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for k, m := range mails {
			f.s.UseMail(m)
			start := time.Now()
			if _, err := f.s.DecideRequest(ctx, f.admin.ID, ids[2*i+k], models.RequestAccepted, ""); err != nil {
				b.Fatal(err)
			}
			spent[k] += time.Since(start)
		}
	}
	composer, pre := float64(spent[0].Nanoseconds())/float64(b.N), float64(spent[1].Nanoseconds())/float64(b.N)
	b.ReportMetric(composer, "composer-ns/op")
	b.ReportMetric(pre, "prebuilt-ns/op")
	b.ReportMetric(composer/pre, "ratio")
}

// BenchmarkComposeDecision is the rendering alone, outside any transaction.
func BenchmarkComposeDecision(b *testing.B) {
	c := testComposer(b)
	n := &models.RequestDecisionNotice{
		Request: models.Request{ID: 12, Windows: []models.RequestWindow{{Kind: models.WindowDay, DateFrom: time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC), Part: models.Morning}}},
		CLSM:    models.CLSM{Name: "CLSM de Roubaix"}, Recipient: models.User{Name: "Nadia Coord", Email: "coord@exemple.fr"},
		Event: models.RequestEvent{ID: 3, ToState: models.RequestAccepted},
	}
	at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	for b.Loop() {
		if _, err := c.Compose(at, n); err != nil {
			b.Fatal(err)
		}
	}
}
