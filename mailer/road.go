package mailer

import (
	"fmt"
	"time"

	"quartier/frtime"
	"quartier/models"
)

// Compose implements models.Mail: it turns what an operation did into its
// messages, choosing for each the template, the dedup key and the links.
// The messages are dated at (the operation's time), so the same notice at
// the same time always gives the same bytes.
func (c *Composer) Compose(at time.Time, n models.Notice) ([]models.Envelope, error) {
	cc := *c
	cc.cfg.Now = func() time.Time { return at }
	return cc.compose(n)
}

func (c *Composer) compose(n models.Notice) ([]models.Envelope, error) {
	one := func(env models.Envelope, err error) ([]models.Envelope, error) {
		if err != nil {
			return nil, err
		}
		return []models.Envelope{env}, nil
	}
	switch n := n.(type) {
	case *models.SignInLinkNotice:
		return one(c.MagicLink(MagicLinkData{
			Key: "login:" + models.HashSecret(n.Token)[:24], Name: n.User.Name, Email: n.User.Email,
			Link: c.links.SignIn(n.Token, n.Next), Expires: n.Expires,
		}))
	case *models.WelcomeNotice:
		return one(c.Welcome(WelcomeData{
			Key: fmt.Sprintf("welcome:%d", n.User.ID), Name: n.User.Name, Email: n.User.Email, Role: n.User.Role,
			Link: c.links.SignIn(n.Token, ""), Expires: n.Expires, InvitedBy: n.InvitedBy,
		}))
	case *models.RequestDecisionNotice:
		link := fmt.Sprintf("/demandes/%d", n.Request.ID)
		if n.Event.ToState == models.RequestChangesRequested {
			link += "/modifier"
		}
		return one(c.RequestDecision(RequestDecisionData{
			Key:  fmt.Sprintf("request-decision:%d:%d", n.Request.ID, n.Event.ID),
			Name: n.Recipient.Name, Email: n.Recipient.Email, CLSMName: n.CLSM.Name, RequestID: n.Request.ID,
			Decision: string(n.Event.ToState), Comment: n.Event.Comment, RequestURL: link,
			Windows: windowLabels(n.Request.Windows),
		}))
	case *models.RequestSubmittedNotice:
		change := ChangeSubmitted
		if n.Event.FromState == models.RequestChangesRequested {
			change = ChangeResubmitted
		}
		ack, err := c.RequestReceived(RequestReceivedData{
			Key:  fmt.Sprintf("request-received:%d:%d", n.Request.ID, n.Event.ID),
			Name: n.Recipient.Name, Email: n.Recipient.Email, CLSMName: n.CLSM.Name,
			Resubmitted: change == ChangeResubmitted, Request: n.Request, Windows: windowLabels(n.Request.Windows),
			RequestURL: fmt.Sprintf("/demandes/%d", n.Request.ID),
		})
		if err != nil {
			return nil, err
		}
		admins, err := c.toReview(n.Admins, n.Request, n.CLSM, n.Recipient, n.Event, change)
		return append([]models.Envelope{ack}, admins...), err
	case *models.RequestEditedNotice:
		return c.toReview(n.Admins, n.Request, n.CLSM, n.Editor, n.Event, ChangeEdited)
	case *models.RequestWithdrawnNotice:
		return c.toReview(n.Admins, n.Request, n.CLSM, n.Editor, n.Event, ChangeWithdrawn)
	}
	return nil, fmt.Errorf("mailer: no message for %T", n)
}

// toReview tells each admin what happened to a request, one message each
// (one dedup key each, so a retry resends only what is missing).
func (c *Composer) toReview(admins []models.User, r models.Request, cl models.CLSM, by models.User, ev models.RequestEvent, change string) ([]models.Envelope, error) {
	out := make([]models.Envelope, 0, len(admins))
	for _, a := range admins {
		env, err := c.RequestToReview(RequestToReviewData{
			Key:  fmt.Sprintf("request-review:%d:%d:%d", r.ID, ev.ID, a.ID),
			Name: a.Name, Email: a.Email, CLSMName: cl.Name, RequestID: r.ID, Change: change,
			By: by.Name, Comment: ev.Comment, Windows: windowLabels(r.Windows),
			ReviewURL: fmt.Sprintf("/admin/demandes/%d", r.ID),
		})
		if err != nil {
			return nil, err
		}
		out = append(out, env)
	}
	return out, nil
}

// windowLabels writes each preferred window in French, in order:
// « lundi 11 janvier 2027, matin », « du lundi 18 au vendredi 29 janvier
// 2027, les mardis et jeudis, après-midi ».
func windowLabels(ws []models.RequestWindow) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		if w.Kind != models.WindowRange {
			out[i] = frtime.Date(w.DateFrom) + ", " + w.Part.Label()
			continue
		}
		out[i] = frtime.Span(w.DateFrom, w.DateTo) + ", " + frtime.Weekdays(w.WeekdayList()) + ", " + w.Part.Label()
	}
	return out
}
