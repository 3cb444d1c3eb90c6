package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// CalendarSettings is a facilitator's imported file, calendar subscription
// (with the status of its last fetch) and bookings-feed version.
type CalendarSettings struct {
	UserID          int64 `gorm:"primaryKey"`
	FeedVersion     int
	FileName        string
	FileImportedAt  *time.Time
	FileIntervals   int
	SubURL          string `gorm:"column:sub_url"`
	SubETag         string `gorm:"column:sub_etag"`
	SubLastModified string
	SubAttemptedAt  *time.Time
	SubSucceededAt  *time.Time
	SubImportedAt   *time.Time
	SubIntervals    int
	SubError        string
	SubFailedAt     *time.Time
	UpdatedAt       time.Time
}

// TableName is the table of calendar settings.
func (CalendarSettings) TableName() string { return "facilitator_calendars" }

// Failing reports whether the last fetch of the subscription failed (a
// success clears the error).
func (c CalendarSettings) Failing() bool { return c.SubURL != "" && c.SubError != "" }

// CalendarSettingsOf returns a facilitator's settings, defaults when none
// were saved yet (FeedVersion 1, nothing imported).
func (s *Store) CalendarSettingsOf(ctx context.Context, userID int64) (CalendarSettings, error) {
	var c CalendarSettings
	err := s.q(ctx).Where("user_id = ?", userID).Limit(1).Find(&c).Error
	if c.UserID == 0 {
		c = CalendarSettings{UserID: userID, FeedVersion: 1}
	}
	return c, err
}

// ensureSettings checks that userID is a facilitator and creates their
// calendar settings row inside tx if needed.
func ensureSettings(tx *gorm.DB, userID int64, now time.Time) error {
	if _, err := facilitatorIn(tx, userID); err != nil {
		return err
	}
	return tx.Clauses(clause.OnConflict{DoNothing: true}).
		Create(&CalendarSettings{UserID: userID, FeedVersion: 1, UpdatedAt: now}).Error
}

// replaceBusy swaps every busy time of one source for ranges, inside tx.
func replaceBusy(tx *gorm.DB, userID int64, source BusySource, ranges []TimeRange, now time.Time) error {
	if err := tx.Where("user_id = ? AND source = ?", userID, source).Delete(&BusyTime{}).Error; err != nil {
		return fmt.Errorf("clear %s busy time: %w", source, err)
	}
	rows := make([]BusyTime, 0, len(ranges))
	for _, r := range MergeRanges(ranges) {
		rows = append(rows, BusyTime{UserID: userID, Source: source, StartsAt: r.Start.UTC(), EndsAt: r.End.UTC(), CreatedAt: now})
	}
	if len(rows) == 0 {
		return nil
	}
	return tx.CreateInBatches(rows, 500).Error
}

// ImportBusyFile replaces the busy time imported from a file with ranges.
func (s *Store) ImportBusyFile(ctx context.Context, userID int64, fileName string, ranges []TimeRange) error {
	now := s.Now()
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := ensureSettings(tx, userID, now); err != nil {
			return err
		}
		if err := replaceBusy(tx, userID, BusyFile, ranges, now); err != nil {
			return err
		}
		if err := tx.Model(&CalendarSettings{}).Where("user_id = ?", userID).Updates(map[string]any{
			"file_name": fileName, "file_imported_at": now, "file_intervals": len(ranges), "updated_at": now,
		}).Error; err != nil {
			return err
		}
		return audit(tx, &userID, "user", userID, "calendar_import", fmt.Sprintf("fichier %q : %d créneaux occupés", fileName, len(ranges)), now)
	})
}

// ClearBusyFile forgets the busy time imported from a file.
func (s *Store) ClearBusyFile(ctx context.Context, userID int64) error {
	now := s.Now()
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := replaceBusy(tx, userID, BusyFile, nil, now); err != nil {
			return err
		}
		return tx.Model(&CalendarSettings{}).Where("user_id = ?", userID).Updates(map[string]any{
			"file_name": "", "file_imported_at": nil, "file_intervals": 0, "updated_at": now,
		}).Error
	})
}

// FetchResult is the outcome of one successful subscription fetch.
type FetchResult struct {
	// NotModified: the server answered 304; the busy time stays as it is.
	NotModified        bool
	Ranges             []TimeRange
	ETag, LastModified string
}

// Subscribe sets a facilitator's calendar subscription with the result of
// its first fetch, replacing any earlier subscription and its busy time.
func (s *Store) Subscribe(ctx context.Context, userID int64, url string, first FetchResult) error {
	now := s.Now()
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := ensureSettings(tx, userID, now); err != nil {
			return err
		}
		if err := replaceBusy(tx, userID, BusySubscription, first.Ranges, now); err != nil {
			return err
		}
		if err := tx.Model(&CalendarSettings{}).Where("user_id = ?", userID).Updates(map[string]any{
			"sub_url": url, "sub_etag": first.ETag, "sub_last_modified": first.LastModified,
			"sub_attempted_at": now, "sub_succeeded_at": now, "sub_imported_at": now,
			"sub_intervals": len(first.Ranges), "sub_error": "", "sub_failed_at": nil, "updated_at": now,
		}).Error; err != nil {
			return err
		}
		// The URL is a secret address: the audit trail does not keep it.
		return audit(tx, &userID, "user", userID, "calendar_subscribe", fmt.Sprintf("abonnement : %d créneaux occupés", len(first.Ranges)), now)
	})
}

// Unsubscribe removes the subscription and the busy time it brought.
func (s *Store) Unsubscribe(ctx context.Context, userID int64) error {
	now := s.Now()
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := replaceBusy(tx, userID, BusySubscription, nil, now); err != nil {
			return err
		}
		if err := tx.Model(&CalendarSettings{}).Where("user_id = ?", userID).Updates(map[string]any{
			"sub_url": "", "sub_etag": "", "sub_last_modified": "", "sub_attempted_at": nil,
			"sub_succeeded_at": nil, "sub_imported_at": nil, "sub_intervals": 0, "sub_error": "",
			"sub_failed_at": nil, "updated_at": now,
		}).Error; err != nil {
			return err
		}
		return audit(tx, &userID, "user", userID, "calendar_unsubscribe", "abonnement supprimé", now)
	})
}

// Subscription is a calendar URL to fetch, with what a conditional request needs.
type Subscription struct {
	UserID             int64
	URL                string
	ETag, LastModified string
	TimeZone           string
	ImportedAt         *time.Time
}

// DueSubscriptions returns the subscriptions not attempted since before
// (never-attempted ones first), at most limit.
func (s *Store) DueSubscriptions(ctx context.Context, before time.Time, limit int) ([]Subscription, error) {
	var out []Subscription
	err := s.q(ctx).Table("facilitator_calendars AS c").
		Select("c.user_id, c.sub_url AS url, c.sub_etag AS e_tag, c.sub_last_modified AS last_modified, u.time_zone, c.sub_imported_at AS imported_at").
		Joins("JOIN users u ON u.id = c.user_id").
		Where("c.sub_url <> '' AND u.active AND (c.sub_attempted_at IS NULL OR c.sub_attempted_at <= ?)", before.UTC()).
		Order("c.sub_attempted_at IS NOT NULL, c.sub_attempted_at, c.user_id").Limit(limit).
		Scan(&out).Error
	return out, err
}

// RecordFetch stores the outcome of a scheduled fetch of url. A 304 keeps
// the busy time; a full answer replaces it. If the subscription changed
// meanwhile (another URL), the result is dropped.
func (s *Store) RecordFetch(ctx context.Context, userID int64, url string, r FetchResult) error {
	now := s.Now()
	return s.tx(ctx, func(tx *gorm.DB) error {
		var cur CalendarSettings
		if err := tx.Where("user_id = ?", userID).Limit(1).Find(&cur).Error; err != nil || cur.SubURL != url {
			return err
		}
		set := map[string]any{"sub_attempted_at": now, "sub_succeeded_at": now, "sub_error": "", "updated_at": now}
		if !r.NotModified {
			if err := replaceBusy(tx, userID, BusySubscription, r.Ranges, now); err != nil {
				return err
			}
			set["sub_etag"], set["sub_last_modified"] = r.ETag, r.LastModified
			set["sub_imported_at"], set["sub_intervals"] = now, len(r.Ranges)
		}
		return tx.Model(&CalendarSettings{}).Where("user_id = ?", userID).Updates(set).Error
	})
}

// RecordFetchFailure keeps the last imported busy time and records why the
// fetch of url failed (message is French, shown to the facilitator).
func (s *Store) RecordFetchFailure(ctx context.Context, userID int64, url, message string) error {
	now := s.Now()
	return s.q(ctx).Model(&CalendarSettings{}).Where("user_id = ? AND sub_url = ?", userID, url).Updates(map[string]any{
		"sub_attempted_at": now, "sub_error": message, "sub_failed_at": now, "updated_at": now,
	}).Error
}

// RegenerateFeed bumps the feed version, revoking the previous feed link,
// and returns the new version.
func (s *Store) RegenerateFeed(ctx context.Context, userID int64) (int, error) {
	now := s.Now()
	var v int
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := ensureSettings(tx, userID, now); err != nil {
			return err
		}
		if err := tx.Model(&CalendarSettings{}).Where("user_id = ?", userID).
			Updates(map[string]any{"feed_version": gorm.Expr("feed_version + 1"), "updated_at": now}).Error; err != nil {
			return err
		}
		if err := tx.Model(&CalendarSettings{}).Where("user_id = ?", userID).Pluck("feed_version", &v).Error; err != nil {
			return err
		}
		return audit(tx, &userID, "user", userID, "feed_regenerate", fmt.Sprintf("lien d'abonnement renouvelé (version %d)", v), now)
	})
	return v, err
}
