package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"gorm.io/gorm"
)

// CLSMInput is what an admin types to create or edit a CLSM. Codes are
// checked against the reference data by the form before they get here.
type CLSMInput struct {
	Name            string
	Territory       string
	RegionCode      string
	DepartementCode string
	CoordinatorID   *int64
	Communes        []string // INSEE codes covered
	QPVs            []string // QPV codes covered
}

func (in CLSMInput) validate() (CLSMInput, error) {
	f := map[string]string{}
	in.Name = strings.TrimSpace(in.Name)
	in.Territory = strings.TrimSpace(in.Territory)
	if in.Name == "" {
		f["name"] = "Saisissez le nom du CLSM."
	} else {
		checkLine(f, "name", in.Name, MaxTitle)
	}
	checkText(f, "territory", in.Territory, MaxAddress, true)
	// The region follows from the département: the form has no region
	// field, so a missing region is a département problem.
	if in.DepartementCode == "" {
		f["departement"] = "Choisissez le département du CLSM."
	} else if in.RegionCode == "" {
		f["departement"] = "Ce département n’est rattaché à aucune région connue : choisissez-en un dans la liste."
	}
	in.Communes = uniqueSorted(in.Communes)
	in.QPVs = uniqueSorted(in.QPVs)
	if len(f) > 0 {
		return in, &ValidationError{Fields: f}
	}
	return in, nil
}

func uniqueSorted(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// CLSMRow is a CLSM as listed, with its coordinator's name and whether
// that account is still active (a deactivated one cannot sign in). Its
// timestamps and search key are not read (clsmRowColumns).
type CLSMRow struct {
	CLSM
	CoordinatorName   string `gorm:"->"`
	CoordinatorActive bool   `gorm:"->"`
}

// CLSMFilter narrows the list of CLSMs. Limit and Offset select one page
// of it; a Limit of 0 lists every match.
type CLSMFilter struct {
	RegionCode, DepartementCode, Query string
	Limit, Offset                      int
}

// clsmsMatching is the FROM and WHERE of a list of CLSMs.
func (s *Store) clsmsMatching(ctx context.Context, f CLSMFilter) *gorm.DB {
	q := s.q(ctx).Table("clsms AS c")
	if f.RegionCode != "" {
		q = q.Where("c.region_code = ?", f.RegionCode)
	}
	if f.DepartementCode != "" {
		q = q.Where("c.departement_code = ?", f.DepartementCode)
	}
	if strings.TrimSpace(f.Query) != "" {
		q = whereSearch(q, "c.search_key", f.Query)
	}
	return q
}

// ListCLSMs returns the CLSMs matching f, by name, each with its
// coordinator's name: one statement.
func (s *Store) ListCLSMs(ctx context.Context, f CLSMFilter) ([]CLSMRow, error) {
	out, err := scanCLSMRows(s.clsmRowsQuery(ctx, f))
	if err != nil {
		return nil, fmt.Errorf("list CLSMs: %w", err)
	}
	return out, nil
}

// clsmRowsQuery is the statement of ListCLSMs.
func (s *Store) clsmRowsQuery(ctx context.Context, f CLSMFilter) *gorm.DB {
	q := s.clsmsMatching(ctx, f).Select(clsmRowColumns).
		Joins("LEFT JOIN users u ON u.id = c.coordinator_id").Order("c.name, c.id")
	if f.Limit > 0 {
		q = q.Limit(f.Limit).Offset(max(f.Offset, 0))
	}
	return q
}

// clsmRowColumns are the columns of a CLSMRow, in scanCLSMRows' order.
const clsmRowColumns = `c.id, c.name, c.territory, c.region_code, c.departement_code, c.coordinator_id,
	COALESCE(u.name, '') AS coordinator_name, COALESCE(u.active, FALSE) AS coordinator_active`

// scanCLSMRows runs q (clsmRowColumns) and scans its rows by hand: gorm's
// Scan matched each column to a field by reflection, and the driver
// parsed two timestamps no list shows, row after row.
func scanCLSMRows(q *gorm.DB) ([]CLSMRow, error) {
	return scanRows(q, func(rows *sql.Rows, r *CLSMRow) error {
		return rows.Scan(&r.ID, &r.Name, &r.Territory, &r.RegionCode, &r.DepartementCode, &r.CoordinatorID,
			&r.CoordinatorName, &r.CoordinatorActive)
	})
}

// CountCLSMs counts the CLSMs matching f (Limit and Offset aside).
func (s *Store) CountCLSMs(ctx context.Context, f CLSMFilter) (int64, error) {
	var n int64
	if err := s.clsmsMatching(ctx, f).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count CLSMs: %w", err)
	}
	return n, nil
}

// CLSMDepartements returns the distinct départements of the CLSMs, sorted:
// what a filter by territory offers (each département names its région),
// without loading the CLSMs. The index on (departement_code, name, id)
// gives them in order, so the DISTINCT needs no sort: the (région,
// département) pairs read before took a temporary b-tree.
func (s *Store) CLSMDepartements(ctx context.Context) ([]string, error) {
	q := s.q(ctx).Table("clsms").Distinct("departement_code").Order("departement_code")
	out, err := scanRows(q, func(rows *sql.Rows, code *string) error { return rows.Scan(code) })
	if err != nil {
		return nil, fmt.Errorf("départements of the CLSMs: %w", err)
	}
	return out, nil
}

// CLSMCoverage is what a CLSM covers.
type CLSMCoverage struct {
	Communes []string
	QPVs     []QPV
}

// CLSMCoverageOf returns the communes and QPVs a CLSM covers.
func (s *Store) CLSMCoverageOf(ctx context.Context, id int64) (CLSMCoverage, error) {
	var cov CLSMCoverage
	if err := s.q(ctx).Table("clsm_communes").Where("clsm_id = ?", id).Order("insee").Pluck("insee", &cov.Communes).Error; err != nil {
		return cov, err
	}
	err := s.q(ctx).Table("qpvs").Joins("JOIN clsm_qpvs cq ON cq.qpv_code = qpvs.code").
		Where("cq.clsm_id = ?", id).Order("qpvs.name").Find(&cov.QPVs).Error
	return cov, err
}

// CLSMCoverageCodes returns the INSEE codes of the communes a CLSM covers,
// sorted, and the codes of its QPVs, sorted: what its form shows, in one
// statement (CLSMCoverageOf takes two and loads the QPVs whole).
func (s *Store) CLSMCoverageCodes(ctx context.Context, id int64) (communes, qpvs []string, err error) {
	rows, err := s.q(ctx).Raw(`SELECT 0 AS kind, insee AS code FROM clsm_communes WHERE clsm_id = ?
		UNION ALL SELECT 1 AS kind, qpv_code AS code FROM clsm_qpvs WHERE clsm_id = ?
		ORDER BY kind, code`, id, id).Rows()
	if err != nil {
		return nil, nil, fmt.Errorf("coverage of CLSM %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind int
		var code string
		if err := rows.Scan(&kind, &code); err != nil {
			return nil, nil, fmt.Errorf("coverage of CLSM %d: %w", id, err)
		}
		if kind == 0 {
			communes = append(communes, code)
		} else {
			qpvs = append(qpvs, code)
		}
	}
	return communes, qpvs, rows.Err()
}

// CreateCLSM creates a CLSM with what it covers.
func (s *Store) CreateCLSM(ctx context.Context, actorID int64, in CLSMInput) (CLSM, error) {
	in, err := in.validate()
	if err != nil {
		return CLSM{}, err
	}
	var c CLSM
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := uniqueCLSMName(tx, in.Name, 0); err != nil {
			return err
		}
		if _, err := coordinatorFor(tx, in.CoordinatorID); err != nil {
			return err
		}
		now := s.Now()
		c = CLSM{Name: in.Name, Territory: in.Territory, RegionCode: in.RegionCode, DepartementCode: in.DepartementCode,
			CoordinatorID: in.CoordinatorID, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&c).Error; err != nil {
			return err
		}
		if err := setCoverage(tx, c.ID, in); err != nil {
			return err
		}
		return audit(tx, &actorID, "clsm", c.ID, "create", "CLSM créé : "+c.Name, now)
	})
	return c, err
}

// UpdateCLSM edits a CLSM; a new coordinator takes over its history.
func (s *Store) UpdateCLSM(ctx context.Context, actorID, id int64, in CLSMInput) (CLSM, error) {
	in, err := in.validate()
	if err != nil {
		return CLSM{}, err
	}
	var c CLSM
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.First(&c, id).Error; err != nil {
			return notFound(err, "clsm")
		}
		if err := uniqueCLSMName(tx, in.Name, id); err != nil {
			return err
		}
		var changes []string
		if c.Name != in.Name {
			changes = append(changes, fmt.Sprintf("nom : « %s » → « %s »", c.Name, in.Name))
		}
		if c.Territory != in.Territory {
			changes = append(changes, "description du territoire modifiée")
		}
		if c.DepartementCode != in.DepartementCode {
			changes = append(changes, fmt.Sprintf("département : %s → %s", c.DepartementCode, in.DepartementCode))
		}
		if !sameID(c.CoordinatorID, in.CoordinatorID) {
			u, err := coordinatorFor(tx, in.CoordinatorID)
			if err != nil {
				return err
			}
			name := "personne"
			if u != nil {
				name = u.Name
			}
			changes = append(changes, "coordination confiée à "+name)
		}
		old, err := s.CLSMCoverageOf(ctx, id)
		if err != nil {
			return err
		}
		if strings.Join(old.Communes, ",") != strings.Join(in.Communes, ",") {
			changes = append(changes, fmt.Sprintf("communes couvertes : %d → %d", len(old.Communes), len(in.Communes)))
		}
		now := s.Now()
		c.Name, c.Territory, c.RegionCode, c.DepartementCode = in.Name, in.Territory, in.RegionCode, in.DepartementCode
		c.CoordinatorID, c.UpdatedAt = in.CoordinatorID, now
		if err := tx.Save(&c).Error; err != nil {
			return err
		}
		if err := setCoverage(tx, id, in); err != nil {
			return err
		}
		detail := strings.Join(changes, " ; ")
		if detail == "" {
			detail = "QPV couverts mis à jour"
		}
		return audit(tx, &actorID, "clsm", id, "update", detail, now)
	})
	return c, err
}

// coordinatorFor loads the coordinator chosen for a CLSM (nil for none):
// the account must exist and have the coordinator's role.
func coordinatorFor(tx *gorm.DB, id *int64) (*User, error) {
	if id == nil {
		return nil, nil
	}
	var u User
	if err := tx.Take(&u, *id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, invalid("coordinator", "Aucun compte ne correspond : choisissez une personne parmi les propositions.")
		}
		return nil, err
	}
	if u.Role != RoleCoordinator {
		return nil, invalid("coordinator", "Cette personne n'a pas le rôle de coordination : choisissez un compte de coordination, ou créez-le d'abord.")
	}
	return &u, nil
}

func sameID(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

func uniqueCLSMName(tx *gorm.DB, name string, exceptID int64) error {
	var n int64
	if err := tx.Model(&CLSM{}).Where("LOWER(name) = ? AND id <> ?", strings.ToLower(name), exceptID).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return invalid("name", "Un CLSM porte déjà ce nom.")
	}
	return nil
}

func setCoverage(tx *gorm.DB, id int64, in CLSMInput) error {
	if err := tx.Exec("DELETE FROM clsm_communes WHERE clsm_id = ?", id).Error; err != nil {
		return err
	}
	if err := tx.Exec("DELETE FROM clsm_qpvs WHERE clsm_id = ?", id).Error; err != nil {
		return err
	}
	for _, insee := range in.Communes {
		if err := tx.Exec("INSERT INTO clsm_communes (clsm_id, insee) VALUES (?, ?)", id, insee).Error; err != nil {
			return err
		}
	}
	for _, code := range in.QPVs {
		var n int64
		if err := tx.Model(&QPV{}).Where("code = ?", code).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return invalid("qpvs", fmt.Sprintf("Le QPV %s n'existe pas : importez-le ou créez-le d'abord.", code))
		}
		if err := tx.Exec("INSERT INTO clsm_qpvs (clsm_id, qpv_code) VALUES (?, ?)", id, code).Error; err != nil {
			return err
		}
	}
	return nil
}
