package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// recordingMail is a Mail that records the notices and returns one plain
// envelope per recipient, keyed by notice kind and event.
type recordingMail struct {
	mu      sync.Mutex
	notices []Notice
	check   func(Notice)
	fail    error
	// failFor: a participant notice to this email fails.
	failFor string
}

func (m *recordingMail) Compose(_ time.Time, n Notice) ([]Envelope, error) {
	if m.fail != nil {
		return nil, m.fail
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.notices = append(m.notices, n)
	if m.check != nil {
		m.check(n)
	}
	env := func(key, to string) Envelope {
		return Envelope{DedupKey: key, Kind: "test", To: to, Subject: key, MessageID: key, Payload: []byte("{}")}
	}
	switch n := n.(type) {
	case *SignInLinkNotice:
		return []Envelope{env("login:"+HashSecret(n.Token), n.User.Email)}, nil
	case *WelcomeNotice:
		return []Envelope{env(fmt.Sprint("welcome:", n.User.ID), n.User.Email)}, nil
	case *RequestDecisionNotice:
		return []Envelope{env(fmt.Sprint("decision:", n.Event.ID), n.Recipient.Email)}, nil
	case *RequestSubmittedNotice:
		out := []Envelope{env(fmt.Sprint("ack:", n.Event.ID), n.Recipient.Email)}
		for _, a := range n.Admins {
			out = append(out, env(fmt.Sprint("new:", n.Event.ID, ":", a.ID), a.Email))
		}
		return out, nil
	case *RequestEditedNotice:
		return []Envelope{env(fmt.Sprint("edited:", n.Event.ID), "admins@exemple.fr")}, nil
	case *RequestWithdrawnNotice:
		return []Envelope{env(fmt.Sprint("withdrawn:", n.Event.ID), "admins@exemple.fr")}, nil
	case *SessionProposedNotice:
		return []Envelope{env(fmt.Sprint("proposed:", n.Session.ID, ":", n.Session.Sequence, ":", n.Reminder), n.Recipient.Email)}, nil
	case *SessionInvitationsNotice:
		out := []Envelope{}
		for _, u := range []User{n.Facilitator, n.Coordinator} {
			out = append(out, env(fmt.Sprint("invite:", n.Session.ID, ":", n.Session.Sequence, ":", u.ID), u.Email))
		}
		for _, p := range n.Participants {
			out = append(out, env(fmt.Sprint("invite:", n.Session.ID, ":", n.Session.Sequence, ":r", p.Registration.ID), p.Registration.Email))
		}
		return out, nil
	case *ParticipantNotice:
		if m.failFor != "" && n.Registration.Email == m.failFor {
			return nil, errors.New("composing failed")
		}
		return []Envelope{env(fmt.Sprint("participant:", n.Registration.ID, ":", n.Change), n.Registration.Email)}, nil
	case *ProposalEndedNotice:
		return []Envelope{env(fmt.Sprint("ended:", n.Session.ID), "admins@exemple.fr")}, nil
	case *PartnerLinkNotice:
		return []Envelope{env(fmt.Sprint("partner-link:", n.Partner.ID, ":", n.Partner.LinkVersion, ":", n.Send), n.Organisation.ContactEmail)}, nil
	case *SessionReminderNotice:
		key := fmt.Sprint("reminder:", n.Session.ID, ":", n.Session.Sequence, ":", n.Kind, ":")
		out := []Envelope{env(key+fmt.Sprint("u", n.Facilitator.ID), n.Facilitator.Email), env(key+fmt.Sprint("u", n.Coordinator.ID), n.Coordinator.Email)}
		for _, r := range n.Participants {
			out = append(out, env(key+fmt.Sprint("r", r.ID), r.Email))
		}
		return out, nil
	case *FeedbackNotice:
		out := []Envelope{}
		for _, inv := range n.Invites {
			out = append(out, env(fmt.Sprint("feedback:", inv.Registration.ID, ":", inv.LinkVersion, ":", n.Reminder), inv.Registration.Email))
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown notice %T", n)
}

// kinds names the notices recorded, in order: the decision's state for a
// decision, else the kind of the notice.
func (m *recordingMail) kinds() string {
	var out []string
	for _, n := range m.notices {
		switch n := n.(type) {
		case *RequestDecisionNotice:
			out = append(out, string(n.Event.ToState))
		case *RequestSubmittedNotice:
			out = append(out, "submitted")
		case *RequestEditedNotice:
			out = append(out, "edited")
		case *RequestWithdrawnNotice:
			out = append(out, "withdrawn")
		case *WelcomeNotice:
			out = append(out, "welcome")
		case *SignInLinkNotice:
			out = append(out, "signin")
		case *SessionProposedNotice:
			out = append(out, map[bool]string{false: "proposed", true: "reminder"}[n.Reminder])
		case *SessionInvitationsNotice:
			out = append(out, string(n.Change))
		case *ProposalEndedNotice:
			out = append(out, map[bool]string{false: "declined", true: "expired"}[n.Expired])
		case *ParticipantNotice:
			out = append(out, string(n.Change))
		}
	}
	return strings.Join(out, " ")
}

func TestRequestNotices_SubmitEditWithdraw(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		run  func(f *reqFixture) error
		want string
	}{
		{"draft saved: nobody told", func(f *reqFixture) error {
			_, err := f.s.CreateRequest(ctx, f.coord.ID, f.clsm.ID, f.input(), false)
			return err
		}, ""},
		{"submitted at once", func(f *reqFixture) error {
			_, err := f.s.CreateRequest(ctx, f.coord.ID, f.clsm.ID, f.input(), true)
			return err
		}, "submitted"},
		{"draft then submitted", func(f *reqFixture) error {
			r, err := f.s.CreateRequest(ctx, f.coord.ID, f.clsm.ID, f.input(), false)
			if err != nil {
				return err
			}
			_, err = f.s.UpdateRequest(ctx, f.coord.ID, r.ID, f.input(), true)
			return err
		}, "submitted"},
		{"edited while awaiting review", func(f *reqFixture) error {
			r, err := f.s.CreateRequest(ctx, f.coord.ID, f.clsm.ID, f.input(), true)
			if err != nil {
				return err
			}
			in := f.input()
			in.VenueName += ", 1er étage" // an edit that changes nothing is not announced
			_, err = f.s.UpdateRequest(ctx, f.coord.ID, r.ID, in, false)
			return err
		}, "submitted edited"},
		{"draft withdrawn: nobody told", func(f *reqFixture) error {
			r, err := f.s.CreateRequest(ctx, f.coord.ID, f.clsm.ID, f.input(), false)
			if err != nil {
				return err
			}
			return f.s.WithdrawRequest(ctx, f.coord.ID, r.ID, "")
		}, ""},
		{"submitted then withdrawn", func(f *reqFixture) error {
			r, err := f.s.CreateRequest(ctx, f.coord.ID, f.clsm.ID, f.input(), true)
			if err != nil {
				return err
			}
			return f.s.WithdrawRequest(ctx, f.coord.ID, r.ID, "La salle n’est plus libre.")
		}, "submitted withdrawn"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newReqFixture(t)
			// A second, then a deactivated admin: only the active ones are told.
			second, err := f.s.CreateUser(ctx, f.admin.ID, NewUser{Email: "admin2@exemple.fr", Name: "Bruno Admin", Role: RoleAdmin}, nil)
			if err != nil {
				t.Fatal(err)
			}
			gone, err := f.s.CreateUser(ctx, f.admin.ID, NewUser{Email: "parti@exemple.fr", Name: "Parti", Role: RoleAdmin}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.s.SetUserActive(ctx, f.admin.ID, gone.ID, false); err != nil {
				t.Fatal(err)
			}
			mail := &recordingMail{check: func(n Notice) {
				if s, ok := n.(*RequestSubmittedNotice); ok {
					if s.Recipient.ID != f.coord.ID || len(s.Admins) != 2 || s.Admins[0].ID != f.admin.ID || s.Admins[1].ID != second.ID ||
						len(s.Request.Windows) != 3 || s.CLSM.ID != f.clsm.ID || s.Event.ID == 0 {
						t.Errorf("submitted notice = %+v", s)
					}
				}
				if w, ok := n.(*RequestWithdrawnNotice); ok && (w.Editor.ID != f.coord.ID || w.Event.Comment == "" || len(w.Admins) != 2) {
					t.Errorf("withdrawn notice = %+v", w)
				}
			}}
			f.s.UseMail(mail)
			if err := c.run(f); err != nil {
				t.Fatal(err)
			}
			if got := mail.kinds(); got != c.want {
				t.Errorf("notices = %q, want %q", got, c.want)
			}
		})
	}
}

func TestQueue_ComposeFailureRollsBackTheOperation(t *testing.T) {
	f := newReqFixture(t)
	ctx := context.Background()
	r, err := f.s.CreateRequest(ctx, f.coord.ID, f.clsm.ID, f.input(), true)
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("template broken")
	f.s.UseMail(&recordingMail{fail: boom})
	if _, err := f.s.DecideRequest(ctx, f.admin.ID, r.ID, RequestAccepted, ""); !errors.Is(err, boom) {
		t.Fatalf("decide = %v, want the compose error", err)
	}
	if got, _ := f.s.RequestByID(ctx, r.ID); got.State != RequestSubmitted {
		t.Errorf("state = %s: the decision was kept without its email", got.State)
	}
}

func TestRequestSignInLink_LimitStopsSendingSilently(t *testing.T) {
	f := newReqFixture(t)
	ctx := context.Background()
	mail := &recordingMail{}
	f.s.UseMail(mail)
	p := SignInPolicy{TTL: 15 * time.Minute, PerAddress: 2, Window: 15 * time.Minute}
	for i := range 4 {
		if err := f.s.RequestSignInLink(ctx, f.coord.Email, "", p); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if err := f.s.RequestSignInLink(ctx, "inconnu@exemple.fr", "", p); err != nil {
			t.Fatalf("unknown %d: %v", i, err)
		}
	}
	// The same work for both addresses: every request composed a message.
	if len(mail.notices) != 8 {
		t.Errorf("%d notices composed, want 8 (known and unknown alike)", len(mail.notices))
	}
	count := func(to string) int64 {
		var n int64
		if err := f.s.db.Model(&OutboxMessage{}).Where("recipient = ?", to).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	var tokens int64
	f.s.db.Model(&LoginToken{}).Where("user_id = ?", f.coord.ID).Count(&tokens)
	if count(f.coord.Email) != 2 || tokens != 2 {
		t.Errorf("%d mails, %d links for the known address, want 2 and 2", count(f.coord.Email), tokens)
	}
	if count("inconnu@exemple.fr") != 0 {
		t.Error("an unknown address got mail")
	}
	f.clock.Add(16 * time.Minute)
	if err := f.s.RequestSignInLink(ctx, f.coord.Email, "", p); err != nil {
		t.Fatal(err)
	}
	if count(f.coord.Email) != 3 {
		t.Error("the window passed, yet no new link")
	}
}

func TestCreateUser_QueuesWelcomeWithItsLink(t *testing.T) {
	f := newReqFixture(t)
	ctx := context.Background()
	var got *WelcomeNotice
	f.s.UseMail(&recordingMail{check: func(n Notice) { got, _ = n.(*WelcomeNotice) }})
	u, err := f.s.CreateUser(ctx, f.admin.ID, NewUser{Email: "nouvelle@exemple.fr", Name: "Léa Nouvelle", Role: RoleFacilitator, HomeINSEE: "59350"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got == nil || got.User.ID != u.ID || got.InvitedBy != "Alice Admin" || got.Token == "" {
		t.Fatalf("welcome notice = %+v", got)
	}
	if err := f.s.CheckLoginToken(ctx, HashSecret(got.Token)); err != nil {
		t.Errorf("the welcome link does not work: %v", err)
	}
	f.clock.Add(WelcomeLinkTTL + time.Minute)
	if err := f.s.CheckLoginToken(ctx, HashSecret(got.Token)); err == nil {
		t.Error("the welcome link outlived its TTL")
	}
}
