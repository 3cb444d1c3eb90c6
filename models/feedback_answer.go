package models

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// KnowsWhere is the answer to « I know where to direct someone now ».
type KnowsWhere string

// The answers to KnowsWhere.
const (
	KnowsWhereYes    KnowsWhere = "oui"
	KnowsWhereNo     KnowsWhere = "non"
	KnowsWhereUnsure KnowsWhere = "ne_sait_pas"
)

// KnowsWhereAnswers lists the answers in form order.
var KnowsWhereAnswers = []KnowsWhere{KnowsWhereYes, KnowsWhereNo, KnowsWhereUnsure}

// Label is the answer in French.
func (k KnowsWhere) Label() string {
	switch k {
	case KnowsWhereYes:
		return "Oui"
	case KnowsWhereNo:
		return "Non"
	case KnowsWhereUnsure:
		return "Je ne sais pas"
	}
	return string(k)
}

// FeedbackAnswer is one answer to the questionnaire: the session, the
// version and the day only. Nothing in it names a person or a link, and
// its id is random, so that neither its id nor its day can be matched to
// the time a link was used.
type FeedbackAnswer struct {
	ID                   int64
	SessionID            int64
	QuestionnaireVersion int
	Satisfaction         int
	KnowledgeBefore      int
	KnowledgeAfter       int
	KnowsWhere           KnowsWhere
	Recommend            bool
	MostUseful           string
	Improve              string
	Extra                string
	AnsweredOn           time.Time `gorm:"type:date"`
}

// TableName is the table of answers.
func (FeedbackAnswer) TableName() string { return "feedback_answers" }

// FeedbackInput is the questionnaire as posted: the numbers as typed
// (strings, so that a missing answer is told apart from a wrong one) and
// Extra, the answers to the version's added questions by key.
type FeedbackInput struct {
	Satisfaction, KnowledgeBefore, KnowledgeAfter string
	KnowsWhere, Recommend                         string
	MostUseful, Improve                           string
	Extra                                         map[string]string
}

// scale parses a 1–5 answer.
func scale(v string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	return n, err == nil && n >= 1 && n <= 5
}

// check validates in against the questions of its version and returns the
// answer to store (without session, version and day) or the field errors
// (keys: the form's field names; "q_<key>" for an added question).
func (in FeedbackInput) check(questions []Question) (FeedbackAnswer, map[string]string) {
	f := map[string]string{}
	var a FeedbackAnswer
	var ok bool
	if a.Satisfaction, ok = scale(in.Satisfaction); !ok {
		f["satisfaction"] = "Choisissez une note de 1 à 5 pour la séance."
	}
	if a.KnowledgeBefore, ok = scale(in.KnowledgeBefore); !ok {
		f["knowledge_before"] = "Choisissez une note de 1 à 5 pour vos connaissances avant la séance."
	}
	if a.KnowledgeAfter, ok = scale(in.KnowledgeAfter); !ok {
		f["knowledge_after"] = "Choisissez une note de 1 à 5 pour vos connaissances après la séance."
	}
	a.KnowsWhere = KnowsWhere(in.KnowsWhere)
	if !slices.Contains(KnowsWhereAnswers, a.KnowsWhere) {
		f["knows_where"] = "Choisissez oui, non ou « je ne sais pas »."
	}
	switch in.Recommend {
	case "oui":
		a.Recommend = true
	case "non":
	default:
		f["recommend"] = "Choisissez oui ou non."
	}
	a.MostUseful, a.Improve = strings.TrimSpace(in.MostUseful), strings.TrimSpace(in.Improve)
	checkText(f, "most_useful", a.MostUseful, MaxFeedbackText, true)
	checkText(f, "improve", a.Improve, MaxFeedbackText, true)
	extra := map[string]any{}
	for _, q := range questions {
		field := "q_" + q.Key
		v := strings.TrimSpace(in.Extra[q.Key])
		if v == "" {
			continue // added questions are optional
		}
		switch q.Kind {
		case QuestionScale:
			if n, ok := scale(v); ok {
				extra[q.Key] = n
			} else {
				f[field] = "Choisissez une note de 1 à 5."
			}
		case QuestionYesNo:
			if v == "oui" || v == "non" {
				extra[q.Key] = v
			} else {
				f[field] = "Choisissez oui ou non."
			}
		case QuestionChoice:
			if slices.Contains(q.Options, v) {
				extra[q.Key] = v
			} else {
				f[field] = "Choisissez une des réponses proposées."
			}
		case QuestionText:
			if m := TextProblem(v, MaxExtraTextAnswer, true); m != "" {
				f[field] = m
			} else {
				extra[q.Key] = v
			}
		}
	}
	b, _ := json.Marshal(extra)
	a.Extra = string(b)
	return a, f
}

// Problems checks in against the added questions of its version (field →
// French message), as AnswerFeedback does before storing anything.
func (in FeedbackInput) Problems(questions []Question) map[string]string {
	_, f := in.check(questions)
	return f
}

// FeedbackForm is what the page of a feedback link shows: the session,
// the version's added questions, and whether the link already answered or
// expired.
type FeedbackForm struct {
	SessionID  int64
	StartsAt   time.Time
	EndsAt     time.Time
	TimeZone   string
	CLSMName   string `gorm:"column:clsm_name"`
	VenueName  string
	Version    int
	Definition string
	ExpiresAt  time.Time
	UsedAt     *time.Time
	Questions  []Question `gorm:"-"`
}

// Used says the link already answered.
func (f FeedbackForm) Used() bool { return f.UsedAt != nil }

// Expired says the link is past its expiry (at now) and unused.
func (f FeedbackForm) Expired(now time.Time) bool { return f.UsedAt == nil && !now.Before(f.ExpiresAt) }

// FeedbackFormOf loads the page of registration regID's feedback link, in
// one query; it changes nothing (opening the link never uses it).
func (s *Store) FeedbackFormOf(ctx context.Context, regID int64) (FeedbackForm, error) {
	var f FeedbackForm
	err := s.q(ctx).Raw(`SELECT s.id AS session_id, s.starts_at, s.ends_at, s.time_zone, s.venue_name, c.name AS clsm_name,
			q.version, q.definition, l.expires_at, l.used_at
		FROM feedback_links l
		JOIN sessions s ON s.id = l.session_id
		JOIN requests r ON r.id = s.request_id
		JOIN clsms c ON c.id = r.clsm_id
		JOIN questionnaires q ON q.version = l.questionnaire_version
		WHERE l.registration_id = ?`, regID).Scan(&f).Error
	if err != nil {
		return f, fmt.Errorf("feedback form of registration %d: %w", regID, err)
	}
	if f.SessionID == 0 {
		return f, &NotFoundError{What: "feedback link"}
	}
	f.Questions, err = Questionnaire{Version: f.Version, Definition: f.Definition}.Questions()
	return f, err
}

// AnswerFeedback stores the answer posted through registration regID's
// link, in one transaction: the link is marked used (an UPDATE that must
// change exactly one unused, unexpired row) and the answer is inserted
// with the session, the version and the day only. A used link is
// ErrFeedbackUsed, an expired one ErrFeedbackExpired; bad input is a
// *ValidationError and changes nothing.
func (s *Store) AnswerFeedback(ctx context.Context, regID int64, in FeedbackInput) error {
	form, err := s.FeedbackFormOf(ctx, regID)
	if err != nil {
		return err
	}
	a, f := in.check(form.Questions)
	if len(f) > 0 {
		return &ValidationError{Fields: f}
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		now := s.Now()
		res := tx.Exec(`UPDATE feedback_links SET used_at = ? WHERE registration_id = ? AND used_at IS NULL AND expires_at > ?`,
			now, regID, now)
		if res.Error != nil {
			return fmt.Errorf("use feedback link %d: %w", regID, res.Error)
		}
		if res.RowsAffected != 1 {
			var l FeedbackLink
			if err := tx.Take(&l, "registration_id = ?", regID).Error; err != nil {
				return notFound(err, "feedback link")
			}
			if l.UsedAt != nil {
				return ErrFeedbackUsed
			}
			return ErrFeedbackExpired
		}
		a.SessionID, a.QuestionnaireVersion = form.SessionID, form.Version
		y, m, d := now.In(LocationOf(form.TimeZone)).Date()
		a.AnsweredOn = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		for range 3 {
			if a.ID, err = randomAnswerID(); err != nil {
				return err
			}
			err = tx.Create(&a).Error
			if err == nil || !isUniqueViolation(err) {
				break
			}
		}
		if err != nil {
			return fmt.Errorf("store feedback answer: %w", err)
		}
		return nil
	})
}

// randomAnswerID is a random id below 2^52: an answer's id says nothing
// of when it came, and ids stay far from the top of SQLite's range.
func randomAnswerID() (int64, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return 0, fmt.Errorf("answer id: %w", err)
	}
	return int64(binary.BigEndian.Uint64(b[:])>>12) + 1, nil
}
