package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// FeedbackSeed is the feedback past of a held or closed session, written
// by the demo: its links sent at SentAt (and reminded ReminderAfter later
// when still unanswered then, if that time has come), and the answers of
// the attendees named in Answers (by registration), each given at its At.
type FeedbackSeed struct {
	SentAt  time.Time
	Answers map[int64]SeedAnswer
}

// SeedAnswer is one attendee's answer as the demo writes it.
type SeedAnswer struct {
	Input FeedbackInput
	At    time.Time
}

// FeedbackAttendees lists the registrations of session sessionID that get
// a feedback link and have none yet (confirmed, ticked present, with an
// email), by id.
func (s *Store) FeedbackAttendees(ctx context.Context, sessionID int64) ([]int64, error) {
	var regs []Registration
	if err := s.q(ctx).Raw(attendeeSQL, sessionID).Scan(&regs).Error; err != nil {
		return nil, fmt.Errorf("attendees of session %d: %w", sessionID, err)
	}
	ids := make([]int64, len(regs))
	for i, r := range regs {
		ids[i] = r.ID
	}
	return ids, nil
}

// SeedFeedback writes the links of every attendee of session sessionID
// and the seeded answers in one transaction, in batches, queuing no email
// (it is all in the past). An answer must be valid, after SentAt, before
// the link expires and not after now.
func (s *Store) SeedFeedback(ctx context.Context, sessionID int64, in FeedbackSeed) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var se Session
		if err := tx.Take(&se, sessionID).Error; err != nil {
			return notFound(err, "session")
		}
		if se.State != SessionHeld && se.State != SessionClosed {
			return fmt.Errorf("seed feedback of session %d: it is %s", se.ID, se.State)
		}
		var regs []Registration
		if err := tx.Raw(attendeeSQL, se.ID).Scan(&regs).Error; err != nil {
			return err
		}
		version, err := questionnaireVersionOf(tx, se)
		if err != nil {
			return err
		}
		var q Questionnaire
		if err := tx.Take(&q, "version = ?", version).Error; err != nil {
			return notFound(err, "questionnaire")
		}
		questions, err := q.Questions()
		if err != nil {
			return err
		}
		now := s.Now()
		sent := in.SentAt.UTC()
		expires := sent.Add(s.feedbackLinkTTL())
		remindAt := sent.Add(s.feedbackReminderAfter())
		links := make([]FeedbackLink, 0, len(regs))
		var answers []FeedbackAnswer
		for _, r := range regs {
			l := FeedbackLink{RegistrationID: r.ID, SessionID: se.ID, QuestionnaireVersion: version, SentAt: &sent,
				ExpiresAt: expires, CreatedAt: sent}
			sa, answered := in.Answers[r.ID]
			if answered {
				at := sa.At.UTC()
				if at.Before(sent) || !at.Before(expires) || at.After(now) {
					return fmt.Errorf("seed feedback of registration %d: answer at %s outside [%s, %s)", r.ID, at, sent, expires)
				}
				a, f := sa.Input.check(questions)
				if len(f) > 0 {
					return &ValidationError{Fields: f}
				}
				a.SessionID, a.QuestionnaireVersion = se.ID, version
				y, m, d := at.In(se.Location()).Date()
				a.AnsweredOn = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
				if a.ID, err = randomAnswerID(); err != nil {
					return err
				}
				answers = append(answers, a)
				l.UsedAt = &at
			}
			if !remindAt.After(now) && remindAt.Before(expires) && (!answered || l.UsedAt.After(remindAt)) {
				l.RemindedAt = &remindAt
			}
			links = append(links, l)
		}
		if len(links) > 0 {
			if err := tx.CreateInBatches(links, 200).Error; err != nil {
				return fmt.Errorf("seed feedback links of session %d: %w", se.ID, err)
			}
		}
		if len(answers) > 0 {
			if err := tx.CreateInBatches(answers, 200).Error; err != nil {
				return fmt.Errorf("seed feedback answers of session %d: %w", se.ID, err)
			}
		}
		return nil
	})
}
