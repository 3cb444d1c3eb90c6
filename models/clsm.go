package models

import (
	"context"
	"time"

	"gorm.io/gorm"

	"quartier/internal/textfold"
)

// CLSM is a conseil local de santé mentale, with its coordinator.
type CLSM struct {
	ID              int64
	Name            string
	Territory       string
	RegionCode      string
	DepartementCode string
	CoordinatorID   *int64
	CreatedAt       time.Time
	UpdatedAt       time.Time
	// SearchKey is the name as the searches compare it (textfold.Fold),
	// kept by BeforeSave.
	SearchKey string `gorm:"column:search_key"`
}

// BeforeSave keeps the CLSM's search key in step with its name, on every
// create and save.
func (c *CLSM) BeforeSave(*gorm.DB) error {
	if c.Name != "" {
		c.SearchKey = textfold.Fold(c.Name)
	}
	return nil
}

// TableName is the table of CLSMs.
func (CLSM) TableName() string { return "clsms" }

// CLSMByID loads one CLSM.
func (s *Store) CLSMByID(ctx context.Context, id int64) (CLSM, error) {
	var c CLSM
	err := s.q(ctx).First(&c, id).Error
	return c, notFound(err, "clsm")
}

// CLSMsOfCoordinator returns the CLSMs a coordinator runs.
func (s *Store) CLSMsOfCoordinator(ctx context.Context, userID int64) ([]CLSM, error) {
	var out []CLSM
	err := s.q(ctx).Where("coordinator_id = ?", userID).Order("name").Find(&out).Error
	return out, err
}
