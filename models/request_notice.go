package models

import (
	"time"

	"gorm.io/gorm"
)

// requestNotice loads what every message about request r needs: r with its
// windows and QPVs, its CLSM, and the coordinator to address (the CLSM's
// current coordinator, else the request's author).
func requestNotice(tx *gorm.DB, r Request) (Request, CLSM, User, error) {
	var c CLSM
	if err := tx.Take(&c, r.CLSMID).Error; err != nil {
		return r, c, User{}, notFound(err, "clsm")
	}
	if err := tx.Where("request_id = ?", r.ID).Order("position").Find(&r.Windows).Error; err != nil {
		return r, c, User{}, err
	}
	if err := tx.Table("request_qpvs").Where("request_id = ?", r.ID).Order("qpv_code").Pluck("qpv_code", &r.QPVs).Error; err != nil {
		return r, c, User{}, err
	}
	recipient := r.CreatedBy
	if c.CoordinatorID != nil {
		recipient = *c.CoordinatorID
	}
	var u User
	if err := tx.Take(&u, recipient).Error; err != nil {
		return r, c, u, notFound(err, "user")
	}
	return r, c, u, nil
}

// queueRequestNotice queues the message of event ev on request id, if the
// event is one people are told about: a submission (acknowledged to the
// coordinator, announced to the admins), an edit of a request awaiting
// review, a withdrawal of a request the admins had seen.
func (s *Store) queueRequestNotice(tx *gorm.DB, id int64, ev RequestEvent, now time.Time) error {
	if s.mail == nil {
		return nil
	}
	var r Request
	if err := tx.Take(&r, id).Error; err != nil {
		return notFound(err, "request")
	}
	r, c, coord, err := requestNotice(tx, r)
	if err != nil {
		return err
	}
	var n Notice
	switch {
	case ev.ToState == RequestSubmitted && ev.FromState != RequestSubmitted:
		admins, err := activeAdmins(tx)
		if err != nil {
			return err
		}
		n = &RequestSubmittedNotice{Request: r, CLSM: c, Recipient: coord, Admins: admins, Event: ev}
	case ev.ToState == RequestSubmitted:
		admins, err := activeAdmins(tx)
		if err != nil {
			return err
		}
		n = &RequestEditedNotice{Request: r, CLSM: c, Editor: actorOf(tx, ev, coord), Admins: admins, Event: ev}
	case ev.ToState == RequestWithdrawn && ev.FromState != RequestDraft:
		admins, err := activeAdmins(tx)
		if err != nil {
			return err
		}
		n = &RequestWithdrawnNotice{Request: r, CLSM: c, Editor: actorOf(tx, ev, coord), Admins: admins, Event: ev}
	default:
		return nil
	}
	return s.queue(tx, n, now)
}

// actorOf is who made event ev, or fallback when it cannot be told.
func actorOf(tx *gorm.DB, ev RequestEvent, fallback User) User {
	if ev.ActorID == nil {
		return fallback
	}
	var u User
	if err := tx.Take(&u, *ev.ActorID).Error; err != nil {
		return fallback
	}
	return u
}
