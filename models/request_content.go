package models

import (
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// writeContent stores the editable content of request id: its columns, its
// quartiers, its windows, and the season its first window falls in.
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
	season, err := seasonOf(tx, in.Windows)
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

// seasonOf is the season the earliest window falls in, else the current
// season, else none.
func seasonOf(tx *gorm.DB, ws []RequestWindow) (*int64, error) {
	var ids []int64
	if len(ws) > 0 {
		first := CalendarDay(ws[0].DateFrom)
		for _, w := range ws[1:] {
			if d := CalendarDay(w.DateFrom); d.Before(first) {
				first = d
			}
		}
		if err := tx.Model(&Season{}).Where("starts_on <= ? AND ends_on >= ?", first, first).
			Order("starts_on DESC").Limit(1).Pluck("id", &ids).Error; err != nil {
			return nil, err
		}
	}
	if len(ids) == 0 {
		if err := tx.Model(&Season{}).Where("is_current").Limit(1).Pluck("id", &ids).Error; err != nil {
			return nil, err
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return &ids[0], nil
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
