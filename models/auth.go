package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// LoginToken is a sign-in link's stored half: only its SHA-256 hash.
type LoginToken struct {
	ID        int64
	UserID    int64
	TokenHash string
	ExpiresAt time.Time
	UsedAt    *time.Time
	CreatedAt time.Time
}

// WebSession is a signed-in browser, known by the hash of its cookie.
type WebSession struct {
	IDHash     string `gorm:"primaryKey;column:id_hash"`
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// LinkProblem says why a sign-in link did not work.
type LinkProblem string

// Why a sign-in link is refused.
const (
	LinkUnknown  LinkProblem = "unknown"
	LinkUsed     LinkProblem = "used"
	LinkExpired  LinkProblem = "expired"
	LinkInactive LinkProblem = "inactive"
)

// LinkError is returned when a sign-in link cannot be used.
type LinkError struct{ Problem LinkProblem }

func (e *LinkError) Error() string { return "login link " + string(e.Problem) }

// UserMessage implements UserError.
func (e *LinkError) UserMessage() string {
	switch e.Problem {
	case LinkUsed:
		return "Ce lien de connexion a déjà servi : chaque lien ne fonctionne qu'une fois."
	case LinkExpired:
		return "Ce lien de connexion a expiré : il n'était valable que quinze minutes."
	}
	return "Ce lien de connexion n'est pas valable."
}

// SignInPolicy bounds the sign-in emails: each link lasts TTL; an address
// gets at most PerAddress links per Window (0: no limit).
type SignInPolicy struct {
	TTL        time.Duration
	PerAddress int
	Window     time.Duration
}

// RequestSignInLink mails a sign-in link to email (already normalised) if
// it is an active account's and the address is within its limit. The link
// is stored (its hash) and queued in one transaction: it exists if and only
// if its email will leave. The caller learns nothing of which happened, and
// the work is the same either way: the attempt is counted, the account
// looked up and the message composed, for a known address or not, so that
// neither the answer nor its time tells whether an account exists. An
// address over its limit is not refused (anyone could otherwise lock a
// person out by asking for their links): it silently gets no more mail.
func (s *Store) RequestSignInLink(ctx context.Context, email, next string, p SignInPolicy) error {
	token, hash, err := NewSecret()
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		now := s.Now()
		allowed := true
		if p.PerAddress > 0 {
			// The bucket the handler used to count in, so counts carry over.
			bucket := "login-address:" + HashSecret("login-address|" + email)[:32]
			var err error
			if allowed, err = s.allowRate(tx, bucket, p.PerAddress, p.Window, now); err != nil {
				return err
			}
		}
		u := User{Email: email}
		known := true
		if err := tx.Where("email = ?", email).Take(&u).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			known, u = false, User{Email: email}
		} else if err != nil {
			return err
		}
		envs, err := s.compose(now, &SignInLinkNotice{User: u, Token: token, Next: next, Expires: now.Add(p.TTL)})
		if err != nil || !known || !u.Active || !allowed {
			return err
		}
		if err := tx.Create(&LoginToken{UserID: u.ID, TokenHash: hash, ExpiresAt: now.Add(p.TTL), CreatedAt: now}).Error; err != nil {
			return fmt.Errorf("insert login token: %w", err)
		}
		for _, env := range envs {
			if err := enqueue(tx, env, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// CheckLoginToken tells whether a link can still be used, without using it:
// the page behind the link shows a button, and only the POST signs in.
func (s *Store) CheckLoginToken(ctx context.Context, tokenHash string) error {
	_, err := s.loadToken(s.q(ctx), tokenHash)
	return err
}

func (s *Store) loadToken(db *gorm.DB, tokenHash string) (User, error) {
	var t LoginToken
	if err := db.Where("token_hash = ?", tokenHash).First(&t).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return User{}, &LinkError{LinkUnknown}
		}
		return User{}, err
	}
	if t.UsedAt != nil {
		return User{}, &LinkError{LinkUsed}
	}
	if !s.Now().Before(t.ExpiresAt) {
		return User{}, &LinkError{LinkExpired}
	}
	var u User
	if err := db.First(&u, t.UserID).Error; err != nil {
		return User{}, err
	}
	if !u.Active {
		return User{}, &LinkError{LinkInactive}
	}
	return u, nil
}

// RedeemLoginToken uses a sign-in link once and opens a session whose
// cookie hashes to sessionHash. The link is burnt in the same transaction
// that creates the session, so two clicks cannot both sign in.
func (s *Store) RedeemLoginToken(ctx context.Context, tokenHash, sessionHash string, absolute time.Duration) (User, error) {
	var u User
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		if u, err = s.loadToken(tx, tokenHash); err != nil {
			return err
		}
		now := s.Now()
		res := tx.Model(&LoginToken{}).Where("token_hash = ? AND used_at IS NULL", tokenHash).Update("used_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return &LinkError{LinkUsed}
		}
		return tx.Create(&WebSession{IDHash: sessionHash, UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(absolute)}).Error
	})
	return u, err
}

// ErrNoSession says the cookie names no live session.
var ErrNoSession = errors.New("no session")

// SessionUser returns the active user of a live session and refreshes its
// idle clock (at most once a minute, to spare writes: a page view inside
// that minute only reads). A session past its idle or absolute expiry is
// deleted. The session and its user come in one statement: every
// signed-in page starts with it.
func (s *Store) SessionUser(ctx context.Context, sessionHash string, idle time.Duration) (User, error) {
	u, expiresAt, lastSeenAt, err := s.sessionRow(ctx, sessionHash)
	if err != nil {
		return User{}, err
	}
	now := s.Now()
	if !now.Before(expiresAt) || !now.Before(lastSeenAt.Add(idle)) || !u.Active {
		_ = s.DeleteSession(ctx, sessionHash)
		return User{}, ErrNoSession
	}
	if now.Sub(lastSeenAt) > sessionTouchEvery {
		if err := s.q(ctx).Model(&WebSession{}).Where("id_hash = ?", sessionHash).Update("last_seen_at", now).Error; err != nil {
			return User{}, err
		}
	}
	return u, nil
}

// sessionRow reads a session and its user, scanned by hand: gorm's
// reflection over the user's columns was most of the lookup's time, and
// the lookup starts every signed-in page. TestSessionRow_SameAsGorm holds
// the columns to the User model.
func (s *Store) sessionRow(ctx context.Context, sessionHash string) (u User, expiresAt, lastSeenAt time.Time, err error) {
	rows, err := s.q(ctx).Raw(`SELECT `+sessionUserColumns+`, ws.expires_at, ws.last_seen_at
		FROM web_sessions ws JOIN users u ON u.id = ws.user_id WHERE ws.id_hash = ?`, sessionHash).Rows()
	if err != nil {
		return User{}, time.Time{}, time.Time{}, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return User{}, time.Time{}, time.Time{}, err
		}
		return User{}, time.Time{}, time.Time{}, ErrNoSession
	}
	var role string
	if err := rows.Scan(append(userFields(&u, &role), &expiresAt, &lastSeenAt)...); err != nil {
		return User{}, time.Time{}, time.Time{}, err
	}
	u.Role = Role(role)
	return u, expiresAt, lastSeenAt, rows.Close()
}

// userFields are the scan destinations of sessionUserColumns, in their
// order; the role is scanned into role, to be set by the caller.
func userFields(u *User, role *string) []any {
	return []any{&u.ID, &u.Email, &u.Name, role, &u.Active, &u.HomeINSEE, &u.TimeZone,
		&u.MaxPerDay, &u.MaxPerWeek, &u.CreatedAt, &u.UpdatedAt, &u.SearchKey}
}

// sessionUserColumns are the users columns sessionRow scans, in the order
// of its Scan.
const sessionUserColumns = `u.id, u.email, u.name, u.role, u.active, u.home_insee, u.time_zone,
		u.max_per_day, u.max_per_week, u.created_at, u.updated_at, u.search_key`

// sessionTouchEvery is how stale a session's last_seen_at may get before a
// page view writes it again: the idle expiry is hours, so a minute of
// slack costs nothing, and 16 browsers reading pages do not queue for
// SQLite's one writer.
const sessionTouchEvery = time.Minute

// DeleteSession signs a browser out.
func (s *Store) DeleteSession(ctx context.Context, sessionHash string) error {
	return s.q(ctx).Where("id_hash = ?", sessionHash).Delete(&WebSession{}).Error
}

// RateHit is one counted attempt in a rate-limit bucket.
type RateHit struct {
	ID     int64
	Bucket string
	At     time.Time
}

// AllowRate counts one attempt in bucket and reports whether it is within
// limit attempts per window. Refused attempts are not counted, so waiting
// the window out always works. Stored in the database so that several
// instances share the count.
func (s *Store) AllowRate(ctx context.Context, bucket string, limit int, window time.Duration) (bool, error) {
	var allowed bool
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		allowed, err = s.allowRate(tx, bucket, limit, window, s.Now())
		return err
	})
	return allowed, err
}

// allowRate is AllowRate inside the caller's transaction. Two instances
// counting in one bucket at once take turns (lockKey), so that both cannot
// count the last free attempt.
func (s *Store) allowRate(tx *gorm.DB, bucket string, limit int, window time.Duration, now time.Time) (bool, error) {
	if err := s.lockKey(tx, "rate:"+bucket); err != nil {
		return false, fmt.Errorf("lock rate bucket: %w", err)
	}
	var n int64
	if err := tx.Model(&RateHit{}).Where("bucket = ? AND at > ?", bucket, now.Add(-window)).Count(&n).Error; err != nil {
		return false, err
	}
	if n >= int64(limit) {
		return false, nil
	}
	return true, tx.Create(&RateHit{Bucket: bucket, At: now}).Error
}

// PurgeExpiredAuth deletes old rate hits, used or expired links and dead
// sessions: housekeeping for the scheduler.
func (s *Store) PurgeExpiredAuth(ctx context.Context, keep time.Duration) error {
	cut := s.Now().Add(-keep)
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("at < ?", cut).Delete(&RateHit{}).Error; err != nil {
			return err
		}
		if err := tx.Where("expires_at < ?", cut).Delete(&LoginToken{}).Error; err != nil {
			return err
		}
		return tx.Where("expires_at < ? OR last_seen_at < ?", s.Now(), cut).Delete(&WebSession{}).Error
	})
}
