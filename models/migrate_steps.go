package models

import (
	"fmt"

	"gorm.io/gorm"

	"quartier/internal/textfold"
)

// migrationStep is the Go part of a migration, run after its SQL in the
// same transaction, for what SQL cannot do; nil for most. A step reads and
// writes through SQL on the columns its migration knows, never through the
// live models (which will change).
func migrationStep(version int) func(tx *gorm.DB) error {
	switch version {
	case 16:
		return backfillSearchKeys
	}
	return nil
}

// backfillSearchKeys fills the search keys of migration 0016 for the rows
// that existed before it.
func backfillSearchKeys(tx *gorm.DB) error {
	var users []struct {
		ID          int64
		Name, Email string
	}
	if err := tx.Raw("SELECT id, name, email FROM users").Scan(&users).Error; err != nil {
		return fmt.Errorf("read users: %w", err)
	}
	for _, u := range users {
		if err := tx.Exec("UPDATE users SET search_key = ? WHERE id = ?", userSearchKey(u.Name, u.Email), u.ID).Error; err != nil {
			return fmt.Errorf("search key of user %d: %w", u.ID, err)
		}
	}
	var clsms []struct {
		ID   int64
		Name string
	}
	if err := tx.Raw("SELECT id, name FROM clsms").Scan(&clsms).Error; err != nil {
		return fmt.Errorf("read CLSMs: %w", err)
	}
	for _, c := range clsms {
		if err := tx.Exec("UPDATE clsms SET search_key = ? WHERE id = ?", textfold.Fold(c.Name), c.ID).Error; err != nil {
			return fmt.Errorf("search key of CLSM %d: %w", c.ID, err)
		}
	}
	return nil
}
