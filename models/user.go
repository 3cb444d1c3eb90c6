package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Role is what a user may do; see DESIGN §2.
type Role string

// The three roles.
const (
	RoleAdmin       Role = "admin"
	RoleCoordinator Role = "coordinator"
	RoleFacilitator Role = "facilitator"
)

// Roles lists the roles in display order.
var Roles = []Role{RoleAdmin, RoleCoordinator, RoleFacilitator}

// Label is the role's French name.
func (r Role) Label() string {
	switch r {
	case RoleAdmin:
		return "Administration"
	case RoleCoordinator:
		return "Coordination de CLSM"
	case RoleFacilitator:
		return "Chargée de mission"
	}
	return string(r)
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleAdmin || r == RoleCoordinator || r == RoleFacilitator
}

// User is a person with an account: admin, coordinator or facilitator.
type User struct {
	ID         int64
	Email      string
	Name       string
	Role       Role
	Active     bool
	HomeINSEE  string `gorm:"column:home_insee"`
	TimeZone   string
	MaxPerDay  int
	MaxPerWeek int
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// SearchKey is the name and address as the searches compare them
	// (userSearchKey), kept by BeforeSave.
	SearchKey string `gorm:"column:search_key"`
}

// BeforeSave keeps the user's search key in step with the name and
// address, on every create and save (the demo's batches included). An
// update through a map of columns (Model(&User{}).Updates) leaves the name
// and address alone, and so the key.
func (u *User) BeforeSave(*gorm.DB) error {
	if u.Name != "" || u.Email != "" {
		u.SearchKey = userSearchKey(u.Name, u.Email)
	}
	return nil
}

// NormalizeEmail trims and lower-cases an address (Unicode-aware, unlike
// SQLite's NOCASE) and checks it parses as a single bare address.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", errors.New("empty address")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return "", fmt.Errorf("invalid address %q", s)
	}
	return s, nil
}

// UserByID loads one user.
func (s *Store) UserByID(ctx context.Context, id int64) (User, error) {
	var u User
	err := s.q(ctx).First(&u, id).Error
	return u, notFound(err, "user")
}

// UserByEmail loads the user with this address, after normalisation.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	norm, err := NormalizeEmail(email)
	if err != nil {
		return User{}, &NotFoundError{What: "user"}
	}
	var u User
	err = s.q(ctx).Where("email = ?", norm).First(&u).Error
	return u, notFound(err, "user")
}

// CountUsers returns the number of users, for the demo's emptiness check.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := s.q(ctx).Model(&User{}).Count(&n).Error
	return n, err
}

// NewUser is what it takes to create an account.
type NewUser struct {
	Email      string
	Name       string
	Role       Role
	HomeINSEE  string
	TimeZone   string
	MaxPerDay  int
	MaxPerWeek int
}

// Validate normalises n and checks each field, returning French messages
// per field; forms call it to show every problem at once.
func (n NewUser) Validate() (NewUser, error) {
	fields := map[string]string{}
	email, err := NormalizeEmail(n.Email)
	if err != nil {
		fields["email"] = "Saisissez une adresse électronique valide, par exemple prenom.nom@exemple.fr."
	}
	n.Email = email
	n.Name = strings.TrimSpace(n.Name)
	if n.Name == "" {
		fields["name"] = "Saisissez le nom de la personne."
	} else {
		checkLine(fields, "name", n.Name, MaxPersonName)
	}
	if !n.Role.Valid() {
		fields["role"] = "Choisissez un rôle."
	}
	if n.TimeZone == "" {
		n.TimeZone = "Europe/Paris"
	}
	if _, err := time.LoadLocation(n.TimeZone); err != nil {
		fields["time_zone"] = "Fuseau horaire inconnu."
	}
	if n.MaxPerDay == 0 {
		n.MaxPerDay = 1
	}
	if n.MaxPerWeek == 0 {
		n.MaxPerWeek = 3
	}
	checkLimits(n.MaxPerDay, n.MaxPerWeek, fields)
	if len(fields) > 0 {
		return n, &ValidationError{Fields: fields}
	}
	return n, nil
}

// insertUser creates a user inside tx, refusing a duplicate address.
func insertUser(tx *gorm.DB, n NewUser, now time.Time) (User, error) {
	n, err := n.Validate()
	if err != nil {
		return User{}, err
	}
	var taken int64
	if err := tx.Model(&User{}).Where("email = ?", n.Email).Count(&taken).Error; err != nil {
		return User{}, err
	}
	if taken > 0 {
		return User{}, invalid("email", "Un compte existe déjà avec cette adresse.")
	}
	u := User{
		Email: n.Email, Name: n.Name, Role: n.Role, Active: true,
		HomeINSEE: n.HomeINSEE, TimeZone: n.TimeZone,
		MaxPerDay: n.MaxPerDay, MaxPerWeek: n.MaxPerWeek,
		CreatedAt: now, UpdatedAt: now,
	}
	if err := tx.Create(&u).Error; err != nil {
		return User{}, fmt.Errorf("insert user: %w", err)
	}
	return u, nil
}

// CreateFirstAdmin creates an active admin from the command line; it needs no
// actor and is recorded as done by the system.
func (s *Store) CreateFirstAdmin(ctx context.Context, email, name string) (User, error) {
	var u User
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		u, err = insertUser(tx, NewUser{Email: email, Name: name, Role: RoleAdmin}, s.Now())
		if err != nil {
			return err
		}
		return audit(tx, nil, "user", u.ID, "create", fmt.Sprintf("compte administrateur créé en ligne de commande pour %s", u.Email), s.Now())
	})
	return u, err
}

// UserFilter narrows a list of users.
type UserFilter struct {
	Query  string // part of the name or the address
	Role   Role
	Active *bool
	// Limit and Offset select one page of the list; a Limit of 0 lists
	// every match.
	Limit, Offset int
}

// usersMatching is the FROM and WHERE of a list of users.
func (s *Store) usersMatching(ctx context.Context, f UserFilter) *gorm.DB {
	q := s.q(ctx).Table("users AS u")
	if strings.TrimSpace(f.Query) != "" {
		q = whereSearch(q, "u.search_key", f.Query)
	}
	if f.Role != "" {
		q = q.Where("u.role = ?", f.Role)
	}
	if f.Active != nil {
		q = q.Where("u.active = ?", *f.Active)
	}
	return q
}

// ListUsers returns users matching f, sorted by name.
func (s *Store) ListUsers(ctx context.Context, f UserFilter) ([]User, error) {
	q := s.usersMatching(ctx, f).Select("u.*").Order("u.name, u.id")
	if f.Limit > 0 {
		q = q.Limit(f.Limit).Offset(max(f.Offset, 0))
	}
	var out []User
	return out, q.Find(&out).Error
}

// CountUsersMatching counts the users matching f (Limit and Offset aside).
func (s *Store) CountUsersMatching(ctx context.Context, f UserFilter) (int64, error) {
	var n int64
	if err := s.usersMatching(ctx, f).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// UserRow is a user as the list of people shows it, with the names of
// the CLSMs they coordinate. Only the columns the list shows are read
// (userRowColumns): the other fields of User stay zero.
type UserRow struct {
	User
	CLSMNames string `gorm:"->;column:clsm_names"`
}

// userRowColumns are the columns of a UserRow, in scanUserRows' order,
// before the CLSMs' names.
const userRowColumns = "u.id, u.email, u.name, u.role, u.active"

// ListUserRows is ListUsers with each user's CLSMs, in one statement.
func (s *Store) ListUserRows(ctx context.Context, f UserFilter) ([]UserRow, error) {
	out, err := scanUserRows(s.userRowsQuery(ctx, f))
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

// userRowsQuery is the statement of ListUserRows.
func (s *Store) userRowsQuery(ctx context.Context, f UserFilter) *gorm.DB {
	q := s.usersMatching(ctx, f).
		Select(userRowColumns + ", COALESCE((SELECT " + s.engine.joinedNames("c.name", "c.id") + " FROM clsms c WHERE c.coordinator_id = u.id), '') AS clsm_names").
		Order("u.name, u.id")
	if f.Limit > 0 {
		q = q.Limit(f.Limit).Offset(max(f.Offset, 0))
	}
	return q
}

// scanUserRows runs q (userRowColumns, then clsm_names) and scans its
// rows by hand: gorm's Scan matched each column to a field by reflection,
// and the driver parsed two timestamps the list does not show, row after
// row (a page of 50 people).
func scanUserRows(q *gorm.DB) ([]UserRow, error) {
	return scanRows(q, func(rows *sql.Rows, r *UserRow) error {
		return rows.Scan(&r.ID, &r.Email, &r.Name, (*string)(&r.Role), &r.Active, &r.CLSMNames)
	})
}

// checkLimits checks a facilitator's limits (sessions per day and per
// week), adding French messages to fields; the admin's person form and the
// facilitator's own page share the rule.
func checkLimits(perDay, perWeek int, fields map[string]string) {
	if perDay < 1 || perDay > 3 {
		fields["max_per_day"] = "Le plafond par jour doit être compris entre 1 et 3 séances."
	}
	if perWeek < 1 || perWeek > 15 {
		fields["max_per_week"] = "Le plafond par semaine doit être compris entre 1 et 15 séances."
	} else if perWeek < perDay {
		fields["max_per_week"] = "Le plafond par semaine ne peut pas être inférieur au plafond par jour."
	}
}
