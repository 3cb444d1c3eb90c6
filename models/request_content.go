package models

import (
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// writeContent stores the editable content of request id: its columns, its
// quartiers, its windows, and the season its first window falls in (see
// seasonOf).
func writeContent(tx *gorm.DB, id int64, in RequestInput, now time.Time) error {
	if len(in.QPVs) > 0 {
		var known []string
		if err := tx.Model(&QPV{}).Where("code IN ?", in.QPVs).Pluck("code", &known).Error; err != nil {
			return err
		}
		for _, c := range in.QPVs {
			if !hasRequestString(known, c) {
				return invalid("qpvs", fmt.Sprintf("Le quartier %s n’existe pas dans la liste des QPV.", c))
			}
		}
	}
	cols := in.columns()
	cols["updated_at"] = now
	season, err := seasonOf(tx, id, in.Windows)
	if err != nil {
		return err
	}
	cols["season_id"] = season
	if err := tx.Model(&Request{}).Where("id = ?", id).Updates(cols).Error; err != nil {
		return fmt.Errorf("update request %d: %w", id, err)
	}
	if err := tx.Exec("DELETE FROM request_qpvs WHERE request_id = ?", id).Error; err != nil {
		return err
	}
	for _, c := range in.QPVs {
		if err := tx.Exec("INSERT INTO request_qpvs (request_id, qpv_code) VALUES (?, ?)", id, c).Error; err != nil {
			return err
		}
	}
	if err := tx.Where("request_id = ?", id).Delete(&RequestWindow{}).Error; err != nil {
		return err
	}
	for i, w := range in.Windows {
		w.ID, w.RequestID, w.Position = 0, id, i
		w.DateFrom = CalendarDay(w.DateFrom)
		if w.Kind == WindowRange {
			w.DateTo = CalendarDay(w.DateTo)
		} else {
			w.DateTo, w.Weekdays = w.DateFrom, ""
		}
		if err := tx.Create(&w).Error; err != nil {
			return fmt.Errorf("request %d window %d: %w", id, i, err)
		}
	}
	return nil
}

// seasonOf is the season that contains the earliest day of ws (the
// request's first window), or nil: out of season (« Hors saison »). Seasons
// do not overlap, so there is at most one. A request already filed into a
// closed season stays there, since that season's report is frozen.
func seasonOf(tx *gorm.DB, requestID int64, ws []RequestWindow) (*int64, error) {
	var closed []int64
	if err := tx.Table("requests AS r").Joins("JOIN seasons se ON se.id = r.season_id").
		Where("r.id = ? AND se.status = ?", requestID, SeasonClosed).Pluck("se.id", &closed).Error; err != nil {
		return nil, err
	}
	if len(closed) > 0 {
		return &closed[0], nil
	}
	first, ok := firstDay(ws)
	if !ok {
		return nil, nil
	}
	var ids []int64
	if err := tx.Model(&Season{}).Where("starts_on <= ? AND ends_on >= ?", first, first).
		Order("starts_on DESC").Limit(1).Pluck("id", &ids).Error; err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return &ids[0], nil
}

// firstDay is the earliest day of the windows, false when there are none.
func firstDay(ws []RequestWindow) (time.Time, bool) {
	if len(ws) == 0 {
		return time.Time{}, false
	}
	first := CalendarDay(ws[0].DateFrom)
	for _, w := range ws[1:] {
		if d := CalendarDay(w.DateFrom); d.Before(first) {
			first = d
		}
	}
	return first, true
}

// refileRequests files again every request that is out of season or in an
// open season, after a season was created or its dates moved, so that each
// stays in the season holding its first window.
func refileRequests(tx *gorm.DB) error {
	var ids []int64
	if err := tx.Table("requests AS r").Joins("LEFT JOIN seasons se ON se.id = r.season_id").
		Where("r.season_id IS NULL OR se.status = ?", SeasonOpen).Pluck("r.id", &ids).Error; err != nil {
		return err
	}
	for _, id := range ids {
		var ws []RequestWindow
		if err := tx.Where("request_id = ?", id).Find(&ws).Error; err != nil {
			return err
		}
		season, err := seasonOf(tx, id, ws)
		if err != nil {
			return err
		}
		if err := tx.Model(&Request{}).Where("id = ?", id).Update("season_id", season).Error; err != nil {
			return fmt.Errorf("file request %d: %w", id, err)
		}
	}
	return nil
}

func splitRequestLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func hasRequestString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
