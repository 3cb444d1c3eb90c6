package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The scheduler's periodic jobs of feedback (DESIGN §3.6).
const (
	// JobFeedbackSend makes and mails the feedback links of the attendees
	// of sessions that were held.
	JobFeedbackSend = "feedback_send"
	// JobFeedbackRemind mails the one reminder of unanswered links.
	JobFeedbackRemind = "feedback_remind"
)

// Defaults of the feedback policy when the configuration says nothing.
const (
	DefaultFeedbackLinkTTL       = 30 * 24 * time.Hour
	DefaultFeedbackReminderAfter = 72 * time.Hour
)

// FeedbackPolicy is what the configuration says about feedback links.
type FeedbackPolicy struct {
	// LinkTTL is how long a link stays valid after it is sent.
	LinkTTL time.Duration
	// ReminderAfter is when, after the link was sent, the reminder goes.
	ReminderAfter time.Duration
}

// UseFeedbackPolicy sets the feedback rules of the configuration. Call it
// once, at wiring.
func (s *Store) UseFeedbackPolicy(p FeedbackPolicy) { s.feedback = p }

func (s *Store) feedbackLinkTTL() time.Duration {
	if s.feedback.LinkTTL <= 0 {
		return DefaultFeedbackLinkTTL
	}
	return s.feedback.LinkTTL
}

func (s *Store) feedbackReminderAfter() time.Duration {
	if s.feedback.ReminderAfter <= 0 {
		return DefaultFeedbackReminderAfter
	}
	return s.feedback.ReminderAfter
}

// FeedbackLink is the single-use link of one attendee: the registration
// it was made for, signed at LinkVersion (package links). UsedAt is set
// when the answer is stored, apart from it: no answer points to a link.
type FeedbackLink struct {
	RegistrationID       int64 `gorm:"primaryKey;autoIncrement:false"`
	SessionID            int64
	QuestionnaireVersion int
	LinkVersion          int
	SentAt               *time.Time
	RemindedAt           *time.Time
	ExpiresAt            time.Time
	UsedAt               *time.Time
	CreatedAt            time.Time
}

// TableName is the table of feedback links.
func (FeedbackLink) TableName() string { return "feedback_links" }

// FeedbackInvite is one attendee to mail a feedback link to.
type FeedbackInvite struct {
	Registration Registration
	LinkVersion  int
	ExpiresAt    time.Time
}

// FeedbackNotice mails the feedback links of a held session to its
// attendees (Reminder false), or the one reminder of the links still
// unanswered (Reminder true). Coordinator is the participants' contact.
type FeedbackNotice struct {
	Reminder    bool
	Session     Session
	CLSM        CLSM
	Coordinator User
	Invites     []FeedbackInvite
}

func (*FeedbackNotice) notice() {}

// ErrFeedbackUsed says the link already answered the questionnaire.
var ErrFeedbackUsed = errors.New("models: feedback link already used")

// ErrFeedbackExpired says the link is past its expiry.
var ErrFeedbackExpired = errors.New("models: feedback link expired")

// ErrFeedbackRateLimited says one link posted too often in the window.
var ErrFeedbackRateLimited = errors.New("models: too many posts from one feedback link")

// attendeeSQL selects the registrations of session ? that get a feedback
// link and have none yet: confirmed, ticked present, with an email.
// Walk-ins have no registration and no email: they get none.
const attendeeSQL = `SELECT r.* FROM registrations r
	JOIN attendances a ON a.registration_id = r.id AND a.session_id = r.session_id AND a.present
	WHERE r.session_id = ? AND r.state = 'confirmed' AND r.email <> ''
	AND NOT EXISTS (SELECT 1 FROM feedback_links l WHERE l.registration_id = r.id)
	ORDER BY r.id`

// SendDueFeedback is the periodic feedback_send job: for every held (or
// closed) session that ended less than a link's lifetime ago and has
// attendees without a link, it makes their links and queues their
// messages, in one transaction per session. The links' primary key (the
// registration) makes each go once, across restarts and with several
// serve processes. It returns how many links it made.
func (s *Store) SendDueFeedback(ctx context.Context) (int, error) {
	now := s.Now()
	var ids []int64
	err := s.q(ctx).Raw(`SELECT DISTINCT s.id FROM sessions s
		JOIN registrations r ON r.session_id = s.id AND r.state = 'confirmed' AND r.email <> ''
		JOIN attendances a ON a.registration_id = r.id AND a.session_id = s.id AND a.present
		WHERE s.state IN ? AND s.ends_at <= ? AND s.ends_at > ?
		AND NOT EXISTS (SELECT 1 FROM feedback_links l WHERE l.registration_id = r.id)
		ORDER BY s.id`, []SessionState{SessionHeld, SessionClosed}, now, now.Add(-s.feedbackLinkTTL())).Scan(&ids).Error
	if err != nil {
		return 0, fmt.Errorf("sessions to send feedback links for: %w", err)
	}
	n := 0
	for _, id := range ids {
		made, err := s.sendFeedback(ctx, id)
		if err != nil {
			return n, err
		}
		n += made
	}
	return n, nil
}

// sendFeedback makes the missing links of one session and queues them.
func (s *Store) sendFeedback(ctx context.Context, sessionID int64) (int, error) {
	made := 0
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var se Session
		if err := tx.Take(&se, sessionID).Error; err != nil {
			return notFound(err, "session")
		}
		now := s.Now()
		if (se.State != SessionHeld && se.State != SessionClosed) || se.EndsAt.After(now) {
			return nil
		}
		var regs []Registration
		if err := tx.Raw(attendeeSQL, se.ID).Scan(&regs).Error; err != nil {
			return fmt.Errorf("attendees of session %d: %w", se.ID, err)
		}
		if len(regs) == 0 {
			return nil
		}
		version, err := questionnaireVersionOf(tx, se)
		if err != nil {
			return err
		}
		expires := now.Add(s.feedbackLinkTTL())
		invites := make([]FeedbackInvite, 0, len(regs))
		for _, r := range regs {
			res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&FeedbackLink{RegistrationID: r.ID, SessionID: se.ID,
				QuestionnaireVersion: version, SentAt: &now, ExpiresAt: expires, CreatedAt: now})
			if res.Error != nil {
				return fmt.Errorf("feedback link of registration %d: %w", r.ID, res.Error)
			}
			if res.RowsAffected == 1 {
				invites = append(invites, FeedbackInvite{Registration: r, ExpiresAt: expires})
			}
		}
		made = len(invites)
		return s.queueFeedback(tx, se, invites, false, now)
	})
	if err != nil {
		return 0, fmt.Errorf("send feedback links of session %d: %w", sessionID, err)
	}
	return made, nil
}

// queueFeedback queues the links (or reminders) of invites.
func (s *Store) queueFeedback(tx *gorm.DB, se Session, invites []FeedbackInvite, reminder bool, now time.Time) error {
	if s.mail == nil || len(invites) == 0 {
		return nil
	}
	_, c, coord, _, err := sessionParties(tx, se)
	if err != nil {
		return err
	}
	return s.queue(tx, &FeedbackNotice{Reminder: reminder, Session: se, CLSM: c, Coordinator: coord, Invites: invites}, now)
}

// questionnaireVersionOf is the questionnaire of the season of session
// se's request, or version 1 for a request outside any season.
func questionnaireVersionOf(tx *gorm.DB, se Session) (int, error) {
	var v []int
	err := tx.Raw(`SELECT se.questionnaire_version FROM requests r JOIN seasons se ON se.id = r.season_id WHERE r.id = ?`,
		se.RequestID).Scan(&v).Error
	if err != nil {
		return 0, fmt.Errorf("questionnaire of session %d: %w", se.ID, err)
	}
	if len(v) == 0 || v[0] < 1 {
		return 1, nil
	}
	return v[0], nil
}

// RemindDueFeedback is the periodic feedback_remind job: every link sent
// at least ReminderAfter ago, still unused, not expired and not reminded
// gets its one reminder. reminded_at is set by an UPDATE that must change
// the row, in the transaction that queues the message, so the reminder
// goes once across restarts and instances. It returns how many it queued.
func (s *Store) RemindDueFeedback(ctx context.Context) (int, error) {
	now := s.Now()
	var ids []int64
	err := s.q(ctx).Raw(`SELECT DISTINCT session_id FROM feedback_links
		WHERE used_at IS NULL AND reminded_at IS NULL AND sent_at IS NOT NULL AND sent_at <= ? AND expires_at > ?
		ORDER BY session_id`, now.Add(-s.feedbackReminderAfter()), now).Scan(&ids).Error
	if err != nil {
		return 0, fmt.Errorf("feedback links to remind: %w", err)
	}
	n := 0
	for _, id := range ids {
		queued := 0
		err := s.tx(ctx, func(tx *gorm.DB) error {
			var se Session
			if err := tx.Take(&se, id).Error; err != nil {
				return notFound(err, "session")
			}
			now := s.Now()
			var links []FeedbackLink
			if err := tx.Where(`session_id = ? AND used_at IS NULL AND reminded_at IS NULL AND sent_at IS NOT NULL
				AND sent_at <= ? AND expires_at > ?`, se.ID, now.Add(-s.feedbackReminderAfter()), now).
				Order("registration_id").Find(&links).Error; err != nil {
				return err
			}
			var invites []FeedbackInvite
			for _, l := range links {
				res := tx.Exec(`UPDATE feedback_links SET reminded_at = ? WHERE registration_id = ? AND reminded_at IS NULL AND used_at IS NULL`,
					now, l.RegistrationID)
				if res.Error != nil {
					return res.Error
				}
				if res.RowsAffected != 1 {
					continue // another instance reminded it, or it was answered meanwhile
				}
				var r Registration
				if err := tx.Take(&r, l.RegistrationID).Error; err != nil {
					return notFound(err, "registration")
				}
				invites = append(invites, FeedbackInvite{Registration: r, LinkVersion: l.LinkVersion, ExpiresAt: l.ExpiresAt})
			}
			queued = len(invites)
			return s.queueFeedback(tx, se, invites, true, now)
		})
		if err != nil {
			return n, fmt.Errorf("remind feedback of session %d: %w", id, err)
		}
		n += queued
	}
	return n, nil
}

// FeedbackLinkVersion is the version of registration regID's feedback
// link, for links.Verify; a registration without one is not found.
func (s *Store) FeedbackLinkVersion(ctx context.Context, regID int64) (int, error) {
	var l FeedbackLink
	err := s.q(ctx).Select("link_version").Where("registration_id = ?", regID).Take(&l).Error
	return l.LinkVersion, notFound(err, "feedback link")
}
