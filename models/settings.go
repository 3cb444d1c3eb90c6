package models

import (
	"context"

	"gorm.io/gorm/clause"
)

// appSetting is one key of app_settings.
type appSetting struct {
	Key   string `gorm:"primaryKey"`
	Value string
}

func (appSetting) TableName() string { return "app_settings" }

// Setting reads one application setting.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var a appSetting
	err := s.q(ctx).Where("key = ?", key).First(&a).Error
	return a.Value, notFound(err, "setting")
}

// SetSetting writes one application setting.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	return s.q(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(&appSetting{Key: key, Value: value}).Error
}
