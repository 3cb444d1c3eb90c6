package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// WelcomeLinkTTL is how long the sign-in link of a welcome email lasts: a
// newcomer may read it the next day or after a weekend. It still works only
// once.
const WelcomeLinkTTL = 72 * time.Hour

// CreateUser creates an account on behalf of an admin, attaches a
// coordinator to their CLSM, and queues the welcome email with its sign-in
// link, all in one transaction.
func (s *Store) CreateUser(ctx context.Context, actorID int64, n NewUser, clsmID *int64) (User, error) {
	var u User
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		now := s.Now()
		if u, err = insertUser(tx, n, now); err != nil {
			return err
		}
		if err := audit(tx, &actorID, "user", u.ID, "create", fmt.Sprintf("compte créé : %s <%s>, %s", u.Name, u.Email, u.Role.Label()), now); err != nil {
			return err
		}
		if u.Role == RoleCoordinator && clsmID != nil {
			if err := assignCoordinator(tx, actorID, *clsmID, u, now); err != nil {
				return err
			}
		}
		if s.mail == nil {
			return nil
		}
		var actor User
		if err := tx.Take(&actor, actorID).Error; err != nil {
			return notFound(err, "user")
		}
		token, hash, err := NewSecret()
		if err != nil {
			return err
		}
		expires := now.Add(WelcomeLinkTTL)
		if err := tx.Create(&LoginToken{UserID: u.ID, TokenHash: hash, ExpiresAt: expires, CreatedAt: now}).Error; err != nil {
			return err
		}
		return s.queue(tx, &WelcomeNotice{User: u, InvitedBy: actor.Name, Token: token, Expires: expires}, now)
	})
	return u, err
}

// assignCoordinator hands a CLSM over to u; its requests and sessions stay
// with the CLSM, so its history is kept.
func assignCoordinator(tx *gorm.DB, actorID, clsmID int64, u User, now time.Time) error {
	var c CLSM
	if err := tx.First(&c, clsmID).Error; err != nil {
		return notFound(err, "clsm")
	}
	if err := tx.Model(&CLSM{}).Where("id = ?", clsmID).Updates(map[string]any{"coordinator_id": u.ID, "updated_at": now}).Error; err != nil {
		return err
	}
	return audit(tx, &actorID, "clsm", clsmID, "coordinator", "coordination confiée à "+u.Name, now)
}

// UserUpdate is what an admin may change on an account.
type UserUpdate = NewUser

// UpdateUser changes an account, recording the change.
func (s *Store) UpdateUser(ctx context.Context, actorID, id int64, in UserUpdate, clsmID *int64) (User, error) {
	in, verr := in.Validate()
	if verr != nil {
		return User{}, verr
	}
	var u User
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.First(&u, id).Error; err != nil {
			return notFound(err, "user")
		}
		var taken int64
		if err := tx.Model(&User{}).Where("email = ? AND id <> ?", in.Email, id).Count(&taken).Error; err != nil {
			return err
		}
		if taken > 0 {
			return invalid("email", "Un compte existe déjà avec cette adresse.")
		}
		if u.Role == RoleAdmin && in.Role != RoleAdmin && u.Active {
			if err := keepOneAdmin(tx, id); err != nil {
				return err
			}
		}
		var changes []string
		note := func(label, from, to string) {
			if from != to {
				changes = append(changes, fmt.Sprintf("%s : « %s » → « %s »", label, from, to))
			}
		}
		note("nom", u.Name, in.Name)
		note("adresse", u.Email, in.Email)
		note("rôle", u.Role.Label(), in.Role.Label())
		note("commune de rattachement", u.HomeINSEE, in.HomeINSEE)
		note("fuseau horaire", u.TimeZone, in.TimeZone)
		note("plafond par jour", fmt.Sprint(u.MaxPerDay), fmt.Sprint(in.MaxPerDay))
		note("plafond par semaine", fmt.Sprint(u.MaxPerWeek), fmt.Sprint(in.MaxPerWeek))
		now := s.Now()
		u.Name, u.Email, u.Role, u.HomeINSEE, u.TimeZone = in.Name, in.Email, in.Role, in.HomeINSEE, in.TimeZone
		u.MaxPerDay, u.MaxPerWeek, u.UpdatedAt = in.MaxPerDay, in.MaxPerWeek, now
		if err := tx.Save(&u).Error; err != nil {
			return err
		}
		if len(changes) > 0 {
			if err := audit(tx, &actorID, "user", id, "update", strings.Join(changes, " ; "), now); err != nil {
				return err
			}
		}
		if u.Role == RoleCoordinator && clsmID != nil {
			var c CLSM
			if err := tx.First(&c, *clsmID).Error; err != nil {
				return notFound(err, "clsm")
			}
			if c.CoordinatorID == nil || *c.CoordinatorID != u.ID {
				return assignCoordinator(tx, actorID, *clsmID, u, now)
			}
		}
		return nil
	})
	return u, err
}

// SetUserActive deactivates or reactivates an account. A deactivated user
// cannot sign in (their sessions end now) and their past actions stay
// attributed. The last active admin cannot be deactivated.
func (s *Store) SetUserActive(ctx context.Context, actorID, id int64, active bool) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var u User
		if err := tx.First(&u, id).Error; err != nil {
			return notFound(err, "user")
		}
		if u.Active == active {
			return nil
		}
		if !active && u.Role == RoleAdmin {
			if err := keepOneAdmin(tx, id); err != nil {
				return err
			}
		}
		now := s.Now()
		if err := tx.Model(&User{}).Where("id = ?", id).Updates(map[string]any{"active": active, "updated_at": now}).Error; err != nil {
			return err
		}
		action, detail := "reactivate", "compte réactivé"
		if !active {
			action, detail = "deactivate", "compte désactivé"
			if err := tx.Where("user_id = ?", id).Delete(&WebSession{}).Error; err != nil {
				return err
			}
		}
		return audit(tx, &actorID, "user", id, action, detail, now)
	})
}

func keepOneAdmin(tx *gorm.DB, exceptID int64) error {
	var others int64
	if err := tx.Model(&User{}).Where("role = ? AND active AND id <> ?", RoleAdmin, exceptID).Count(&others).Error; err != nil {
		return err
	}
	if others == 0 {
		return &ConflictError{Message: "C'est le dernier compte d'administration actif : créez ou réactivez d'abord un autre compte d'administration."}
	}
	return nil
}
