package models

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Questionnaire is one stored version of the feedback questionnaire. Every
// version asks the core questions (FeedbackInput's fields); Definition
// lists, as JSON, the questions it asks beyond them, so that reports
// compare answers of one version with each other.
type Questionnaire struct {
	Version    int `gorm:"primaryKey;autoIncrement:false"`
	Title      string
	Definition string
	CreatedAt  time.Time
}

// TableName is the table of questionnaire versions.
func (Questionnaire) TableName() string { return "questionnaires" }

// QuestionKind is how an added question is answered.
type QuestionKind string

// The kinds of added question.
const (
	QuestionScale  QuestionKind = "scale"  // 1 to 5
	QuestionYesNo  QuestionKind = "yes_no" // oui / non
	QuestionChoice QuestionKind = "choice" // one of Options
	QuestionText   QuestionKind = "text"   // a short free text
)

// QuestionKinds lists the kinds an administrator may pick, in form order.
var QuestionKinds = []QuestionKind{QuestionScale, QuestionYesNo, QuestionChoice, QuestionText}

// Label is the kind in French.
func (k QuestionKind) Label() string {
	switch k {
	case QuestionScale:
		return "Note de 1 à 5"
	case QuestionYesNo:
		return "Oui ou non"
	case QuestionChoice:
		return "Un choix parmi plusieurs réponses"
	case QuestionText:
		return "Réponse libre courte"
	}
	return string(k)
}

// Bounds of the questionnaire definitions and their answers.
const (
	MaxAddedQuestions   = 5    // added by one new version
	MaxQuestions        = 20   // beyond the core, in one version
	MaxQuestionLabel    = 200  // the wording of a question
	MaxQuestionOptions  = 8    // the answers of a choice question
	MaxOptionLabel      = 80   // one answer of a choice question
	MaxFeedbackText     = 1000 // each free-text answer of the core
	MaxExtraTextAnswer  = 300  // a short-text answer to an added question
	MinFeedbackGroup    = 5    // no aggregate under this many answers
	maxQuestionKeyBytes = 40
)

// Question is one question a version adds beyond the core ones.
type Question struct {
	Key     string       `json:"key"`
	Label   string       `json:"label"`
	Kind    QuestionKind `json:"kind"`
	Options []string     `json:"options,omitempty"`
}

// definition is the stored JSON of a version.
type definition struct {
	Questions []Question `json:"questions"`
}

// Questions decodes the version's added questions; version 1's
// definition is "{}", no added question.
func (q Questionnaire) Questions() ([]Question, error) {
	var d definition
	if strings.TrimSpace(q.Definition) == "" {
		return nil, nil
	}
	if err := json.Unmarshal([]byte(q.Definition), &d); err != nil {
		return nil, fmt.Errorf("questionnaire %d: definition: %w", q.Version, err)
	}
	return d.Questions, nil
}

var questionKeyRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// checkQuestion returns the problem of q (French) or "".
func checkQuestion(q Question) string {
	if strings.TrimSpace(q.Label) == "" {
		return "Saisissez l’intitulé de la question."
	}
	if m := TextProblem(q.Label, MaxQuestionLabel, false); m != "" {
		return m
	}
	switch q.Kind {
	case QuestionScale, QuestionYesNo, QuestionText:
		if len(q.Options) > 0 {
			return "Seule une question à choix a des réponses proposées."
		}
	case QuestionChoice:
		if len(q.Options) < 2 || len(q.Options) > MaxQuestionOptions {
			return fmt.Sprintf("Une question à choix propose de 2 à %d réponses, une par ligne.", MaxQuestionOptions)
		}
		seen := map[string]bool{}
		for _, o := range q.Options {
			if m := TextProblem(o, MaxOptionLabel, false); m != "" || strings.TrimSpace(o) == "" {
				return fmt.Sprintf("Chaque réponse proposée tient sur une ligne de %d caractères au plus.", MaxOptionLabel)
			}
			if seen[o] {
				return "Deux réponses proposées sont identiques."
			}
			seen[o] = true
		}
	default:
		return "Choisissez le type de réponse de la question."
	}
	return ""
}

// Questionnaire loads one version.
func (s *Store) Questionnaire(ctx context.Context, version int) (Questionnaire, error) {
	var q Questionnaire
	err := s.q(ctx).Where("version = ?", version).Take(&q).Error
	return q, notFound(err, "questionnaire")
}

// Questionnaires lists every version, the newest first.
func (s *Store) Questionnaires(ctx context.Context) ([]Questionnaire, error) {
	var out []Questionnaire
	err := s.q(ctx).Order("version DESC").Find(&out).Error
	return out, err
}

// NewQuestion is an added question as an administrator typed it: Options
// one per line, for a choice.
type NewQuestion struct {
	Label   string
	Kind    QuestionKind
	Options string
}

// CreateQuestionnaire stores a new version: the newest version's
// questions plus the added ones (up to MaxAddedQuestions; blank rows are
// skipped). Field errors are keyed "title" and "question_<n>" (the n-th
// row, from 1).
func (s *Store) CreateQuestionnaire(ctx context.Context, actorID int64, title string, added []NewQuestion) (Questionnaire, error) {
	title = strings.TrimSpace(title)
	f := map[string]string{}
	if title == "" {
		f["title"] = "Donnez un titre à cette version, par exemple « Questionnaire 2027 »."
	}
	checkLine(f, "title", title, MaxTitle)
	if len(added) > MaxAddedQuestions {
		f[""] = fmt.Sprintf("Une nouvelle version ajoute au plus %d questions.", MaxAddedQuestions)
	}
	var q Questionnaire
	err := s.tx(ctx, func(tx *gorm.DB) error {
		// Two new versions at once (two instances) are numbered one after
		// the other, the second built on the first.
		if err := s.lockKey(tx, "questionnaires"); err != nil {
			return fmt.Errorf("lock questionnaires: %w", err)
		}
		var prev Questionnaire
		if err := tx.Order("version DESC").Take(&prev).Error; err != nil {
			return fmt.Errorf("newest questionnaire: %w", err)
		}
		qs, err := prev.Questions()
		if err != nil {
			return err
		}
		n := 0
		for i, a := range added {
			a.Label = strings.TrimSpace(a.Label)
			if a.Label == "" && strings.TrimSpace(a.Options) == "" {
				continue
			}
			nq := Question{Label: a.Label, Kind: a.Kind, Key: "q" + strconv.Itoa(prev.Version+1) + "_" + strconv.Itoa(i+1)}
			for _, o := range strings.Split(a.Options, "\n") {
				if o = strings.TrimSpace(o); o != "" {
					nq.Options = append(nq.Options, o)
				}
			}
			if m := checkQuestion(nq); m != "" {
				f["question_"+strconv.Itoa(i+1)] = m
			}
			qs = append(qs, nq)
			n++
		}
		if n == 0 && len(f) == 0 {
			f[""] = "Ajoutez au moins une question : sinon, la version précédente suffit."
		}
		if len(qs) > MaxQuestions {
			f[""] = fmt.Sprintf("Un questionnaire compte au plus %d questions en plus des questions communes.", MaxQuestions)
		}
		if len(f) > 0 {
			return &ValidationError{Fields: f}
		}
		def, err := json.Marshal(definition{Questions: qs})
		if err != nil {
			return err
		}
		now := s.Now()
		q = Questionnaire{Version: prev.Version + 1, Title: title, Definition: string(def), CreatedAt: now}
		if err := tx.Create(&q).Error; err != nil {
			return fmt.Errorf("create questionnaire %d: %w", q.Version, err)
		}
		return audit(tx, &actorID, "questionnaire", int64(q.Version), "create", fmt.Sprintf("version %d : %d question(s) ajoutée(s)", q.Version, n), now)
	})
	if len(f) > 0 {
		return Questionnaire{}, &ValidationError{Fields: f}
	}
	return q, err
}

// SeasonQuestionnaire is a season and the questionnaire version it uses.
type SeasonQuestionnaire struct {
	ID                   int64
	Name                 string
	Status               SeasonStatus
	QuestionnaireVersion int
}

// SeasonQuestionnaires lists the seasons with their questionnaire
// version, the newest season first.
func (s *Store) SeasonQuestionnaires(ctx context.Context) ([]SeasonQuestionnaire, error) {
	var out []SeasonQuestionnaire
	err := s.q(ctx).Raw(`SELECT id, name, status, questionnaire_version FROM seasons ORDER BY starts_on DESC, id DESC`).Scan(&out).Error
	return out, err
}

// SetSeasonQuestionnaire makes an open season use questionnaire version:
// the links made from now on for its sessions ask that version; links
// already sent keep theirs.
func (s *Store) SetSeasonQuestionnaire(ctx context.Context, actorID, seasonID int64, version int) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var se Season
		if err := tx.Take(&se, seasonID).Error; err != nil {
			return notFound(err, "season")
		}
		if se.Status == SeasonClosed {
			return &ConflictError{Message: "Cette saison est clôturée : son questionnaire ne change plus."}
		}
		var n int64
		if err := tx.Model(&Questionnaire{}).Where("version = ?", version).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return invalid("version", "Choisissez une version existante du questionnaire.")
		}
		if err := tx.Exec(`UPDATE seasons SET questionnaire_version = ? WHERE id = ?`, version, se.ID).Error; err != nil {
			return err
		}
		return audit(tx, &actorID, "season", se.ID, "questionnaire", fmt.Sprintf("questionnaire version %d", version), s.Now())
	})
}
