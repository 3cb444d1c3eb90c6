package models

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// QPV is a quartier prioritaire de la politique de la ville.
type QPV struct {
	Code      string `gorm:"primaryKey"`
	Name      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TableName is the table of QPVs.
func (QPV) TableName() string { return "qpvs" }

// QPVInput is one quartier read from the official list or typed by an admin.
type QPVInput struct {
	Line     int
	Code     string
	Name     string
	Communes []string
}

// QPVWithCommunes is a QPV and the INSEE codes of its communes.
type QPVWithCommunes struct {
	QPV
	Communes []string `gorm:"-"`
}

// ListQPVs returns the first limit QPVs by name (all when limit <= 0),
// each with its communes. To find quartiers by name, match QPVNames with
// territory.QPVIndex, then load them with QPVsWithCommunes.
func (s *Store) ListQPVs(ctx context.Context, limit int) ([]QPVWithCommunes, error) {
	return s.QPVPage(ctx, limit, 0)
}

// QPVPage returns limit QPVs by name (all when limit <= 0) after the
// first offset, each with its communes: one statement, the communes of
// the page's rows read by a correlated subquery on qpv_communes' primary
// key (code, insee), which gives them in order. A second statement with
// the page's 50 codes, and its rows appended one by one, cost more.
func (s *Store) QPVPage(ctx context.Context, limit, offset int) ([]QPVWithCommunes, error) {
	q := s.q(ctx).Table("qpvs AS q").
		Select("q.code, q.name, COALESCE((SELECT " + s.engine.joined("qc.insee", ",", "qc.insee") +
			" FROM qpv_communes qc WHERE qc.qpv_code = q.code), '') AS communes").
		Order("q.name, q.code")
	if limit > 0 {
		q = q.Limit(limit).Offset(max(offset, 0))
	}
	return scanRows(q, func(rows *sql.Rows, r *QPVWithCommunes) error {
		var communes string
		err := rows.Scan(&r.Code, &r.Name, &communes)
		if communes != "" {
			r.Communes = strings.Split(communes, ",")
		}
		return err
	})
}

// scanQPVCodeNames runs q, which selects a quartier's code and name in
// that order, and scans its rows by hand: the lists show no more, and
// gorm's reflection (and the driver's parsing of the two timestamps) was
// most of their cost per row. CreatedAt and UpdatedAt stay zero.
func scanQPVCodeNames(q *gorm.DB) ([]QPV, error) {
	return scanRows(q, func(rows *sql.Rows, r *QPV) error { return rows.Scan(&r.Code, &r.Name) })
}

// CountQPVs returns the number of QPVs.
func (s *Store) CountQPVs(ctx context.Context) (int64, error) {
	var n int64
	if err := s.q(ctx).Model(&QPV{}).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count QPVs: %w", err)
	}
	return n, nil
}

// QPVNames returns the code and name of every QPV, by name, in one query:
// what matching typed names needs (about 1,600 rows for the whole
// official list).
func (s *Store) QPVNames(ctx context.Context) ([]QPV, error) {
	var out []QPV
	return out, s.q(ctx).Select("code", "name").Order("name").Find(&out).Error
}

// QPVsWithCommunes returns the QPVs with these codes, in the order of
// codes (unknown codes are skipped), each with its communes: two queries.
func (s *Store) QPVsWithCommunes(ctx context.Context, codes []string) ([]QPVWithCommunes, error) {
	if len(codes) == 0 {
		return nil, nil
	}
	found, err := s.QPVsByCode(ctx, codes)
	if err != nil {
		return nil, err
	}
	byCode := make(map[string]QPV, len(found))
	for _, q := range found {
		byCode[q.Code] = q
	}
	out := make([]QPVWithCommunes, 0, len(found))
	for _, c := range codes {
		if q, ok := byCode[c]; ok {
			out = append(out, QPVWithCommunes{QPV: q})
			delete(byCode, c)
		}
	}
	return out, s.fillQPVCommunes(ctx, out)
}

// QPVsForCLSM returns the code and name of the quartiers an admin may
// tick for a CLSM, by name: those with a commune in its département (all
// those with a commune when departement is empty), and those already
// ticked. The département is matched as a range of INSEE codes, which the
// index on qpv_communes serves (a LIKE is case-insensitive in SQLite, and
// so scanned every row).
func (s *Store) QPVsForCLSM(ctx context.Context, departement string, ticked []string) ([]QPV, error) {
	if departement == "" && len(ticked) == 0 {
		return nil, nil
	}
	q := s.q(ctx).Table("qpvs").Select("code, name")
	switch lo, hi, ok := inseeRange(departement); {
	case !ok:
		q = q.Where("1 = 0") // no département has such a code
	case hi == "":
		q = q.Where("code IN (SELECT qpv_code FROM qpv_communes WHERE insee >= ?)", lo)
	default:
		q = q.Where("code IN (SELECT qpv_code FROM qpv_communes WHERE insee >= ? AND insee < ?)", lo, hi)
	}
	if len(ticked) > 0 {
		q = q.Or("code IN ?", ticked)
	}
	return scanQPVCodeNames(q.Order("name"))
}

// inseeRange returns the INSEE codes that start with a département's
// code as lo <= insee < hi (no upper bound when hi is ""): the code
// upper-cased, as SQLite's LIKE matched « 2a » to 2A, and the code with
// its last character moved one on in 0-9A-Z, an order digits-then-letters
// that every collation keeps. ok is false for a code no INSEE code can
// start with (more than three characters, or not letters and digits).
func inseeRange(departement string) (lo, hi string, ok bool) {
	if len(departement) > 3 {
		return "", "", false
	}
	code := []byte(strings.ToUpper(departement))
	for _, c := range code {
		if (c < '0' || c > '9') && (c < 'A' || c > 'Z') {
			return "", "", false
		}
	}
	lo = string(code)
	for i := len(code) - 1; i >= 0; i-- {
		switch c := code[i]; {
		case c == '9':
			code[i] = 'A'
		case c == 'Z':
			continue // carried: the shorter prefix, moved on, bounds it
		default:
			code[i]++
		}
		return lo, string(code[:i+1]), true
	}
	return lo, "", true
}

// fillQPVCommunes loads the communes of every quartier in one query.
func (s *Store) fillQPVCommunes(ctx context.Context, qs []QPVWithCommunes) error {
	if len(qs) == 0 {
		return nil
	}
	codes := make([]string, len(qs))
	at := make(map[string]int, len(qs))
	for i, q := range qs {
		codes[i], at[q.Code] = q.Code, i
	}
	rows, err := s.q(ctx).Table("qpv_communes").Select("qpv_code, insee").Where("qpv_code IN ?", codes).Order("qpv_code, insee").Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var code, insee string
		if err := rows.Scan(&code, &insee); err != nil {
			return err
		}
		i := at[code]
		qs[i].Communes = append(qs[i].Communes, insee)
	}
	return rows.Err()
}

// QPVsByCode returns the QPVs with these codes (unknown codes are skipped).
func (s *Store) QPVsByCode(ctx context.Context, codes []string) ([]QPV, error) {
	var out []QPV
	if len(codes) == 0 {
		return out, nil
	}
	return out, s.q(ctx).Where("code IN ?", codes).Order("name").Find(&out).Error
}

// QPVImportLine says what happened to one line of an import.
type QPVImportLine struct {
	Line   int
	Code   string
	Name   string
	Action string // added, changed, unchanged
	Detail string
}

// ImportQPVs adds new quartiers and updates changed ones, in one
// transaction, and says what it did line by line. Quartiers absent from the
// file are kept (a partial list must not delete anything).
func (s *Store) ImportQPVs(ctx context.Context, actorID int64, rows []QPVInput) ([]QPVImportLine, error) {
	var report []QPVImportLine
	err := s.tx(ctx, func(tx *gorm.DB) error {
		now := s.Now()
		for _, r := range rows {
			line := QPVImportLine{Line: r.Line, Code: r.Code, Name: r.Name}
			var old QPV
			err := tx.Where("code = ?", r.Code).First(&old).Error
			switch {
			case err == gorm.ErrRecordNotFound:
				if err := tx.Create(&QPV{Code: r.Code, Name: r.Name, CreatedAt: now, UpdatedAt: now}).Error; err != nil {
					return err
				}
				line.Action, line.Detail = "added", fmt.Sprintf("ajouté (%d commune%s)", len(r.Communes), plural(len(r.Communes)))
			case err != nil:
				return err
			default:
				var oldCommunes []string
				if err := tx.Table("qpv_communes").Where("qpv_code = ?", r.Code).Order("insee").Pluck("insee", &oldCommunes).Error; err != nil {
					return err
				}
				var changes []string
				if old.Name != r.Name {
					changes = append(changes, fmt.Sprintf("nom « %s » → « %s »", old.Name, r.Name))
				}
				if strings.Join(oldCommunes, ",") != strings.Join(uniqueSorted(r.Communes), ",") {
					changes = append(changes, fmt.Sprintf("communes %s → %s", strings.Join(oldCommunes, ", "), strings.Join(uniqueSorted(r.Communes), ", ")))
				}
				if len(changes) == 0 {
					line.Action, line.Detail = "unchanged", "inchangé"
					report = append(report, line)
					continue
				}
				if err := tx.Model(&QPV{}).Where("code = ?", r.Code).Updates(map[string]any{"name": r.Name, "updated_at": now}).Error; err != nil {
					return err
				}
				line.Action, line.Detail = "changed", "modifié : "+strings.Join(changes, " ; ")
			}
			if err := tx.Exec("DELETE FROM qpv_communes WHERE qpv_code = ?", r.Code).Error; err != nil {
				return err
			}
			for _, insee := range uniqueSorted(r.Communes) {
				if err := tx.Exec("INSERT INTO qpv_communes (qpv_code, insee) VALUES (?, ?)", r.Code, insee).Error; err != nil {
					return err
				}
			}
			report = append(report, line)
		}
		added, changed := 0, 0
		for _, l := range report {
			switch l.Action {
			case "added":
				added++
			case "changed":
				changed++
			}
		}
		return audit(tx, &actorID, "qpv", 0, "import", fmt.Sprintf("import de la liste des QPV : %d ajouté%s, %d modifié%s", added, plural(added), changed, plural(changed)), now)
	})
	return report, err
}

// SaveQPV creates or edits one quartier by hand.
func (s *Store) SaveQPV(ctx context.Context, actorID int64, in QPVInput) error {
	in.Code = strings.ToUpper(strings.TrimSpace(in.Code))
	in.Name = strings.TrimSpace(in.Name)
	f := map[string]string{}
	if in.Code == "" {
		f["code"] = "Saisissez le code du quartier (par exemple QN05901M)."
	}
	if in.Name == "" {
		f["name"] = "Saisissez le nom du quartier."
	}
	checkLine(f, "code", in.Code, MaxLine)
	checkLine(f, "name", in.Name, MaxTitle)
	if len(in.Communes) == 0 {
		f["communes"] = "Indiquez au moins une commune."
	}
	if len(f) > 0 {
		return &ValidationError{Fields: f}
	}
	_, err := s.ImportQPVs(ctx, actorID, []QPVInput{in})
	return err
}

func plural(n int) string {
	if n > 1 {
		return "s"
	}
	return ""
}
