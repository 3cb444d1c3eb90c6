// Package links builds and verifies every URL of quartier that carries a
// secret. Links that must be shown or mailed again (the bookings feed, and
// the partner sign-up, participant cancel and feedback links to come) are
// derived as an HMAC-SHA256 of (purpose, id, version) under the server
// secret: nothing secret is stored, and bumping the version kept beside the
// object revokes its link. Sign-in links are the exception: their token is
// random and stored hashed (models), and this package only builds their URL.
//
// A token is "<id>-<mac>". The version is not in the token, which keeps the
// feed links facilitators have already subscribed to valid, and keeps URLs
// short; Verify asks the caller for the object's current version.
package links

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Purpose separates the HMACs of different kinds of link, so that a token
// made for one purpose never opens another.
type Purpose string

// The purposes of signed links. Feed is in use; Signup, Cancel and Feedback
// are planned (partner sign-up, one-click participant cancellation,
// single-use feedback questionnaire) and their URLs are fixed here already.
const (
	Feed     Purpose = "feed"
	Signup   Purpose = "signup"
	Cancel   Purpose = "cancel"
	Feedback Purpose = "feedback"
)

// ErrInvalid says a token is malformed, forged, made for another purpose
// or revoked (made for an older version). Callers answer all of these with
// the same page, so the cases are not told apart.
var ErrInvalid = errors.New("links: invalid or revoked link")

// Links builds absolute URLs under one base URL and signs them with one
// secret. It is safe for concurrent use.
type Links struct {
	secret []byte
	base   string // without trailing slash
}

// New returns the links of a site at baseURL (absolute http or https)
// signed with secret (server.secret, at least 16 bytes).
func New(secret []byte, baseURL string) (*Links, error) {
	if len(secret) < 16 {
		return nil, errors.New("links: the secret is shorter than 16 bytes")
	}
	u, err := url.Parse(baseURL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("links: base URL %q is not an absolute http(s) URL", baseURL)
	}
	return &Links{secret: append([]byte(nil), secret...), base: strings.TrimRight(baseURL, "/")}, nil
}

// Base is the site's base URL, without trailing slash.
func (l *Links) Base() string { return l.base }

// mac is the HMAC of (purpose, id, version): purpose, a zero byte, then
// "id:version", base64url without padding. This exact layout is what the
// feed links in use were signed with; do not change it.
func (l *Links) mac(p Purpose, id int64, version int) string {
	m := hmac.New(sha256.New, l.secret)
	m.Write([]byte(p))
	m.Write([]byte{0})
	m.Write([]byte(strconv.FormatInt(id, 10) + ":" + strconv.Itoa(version)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Sign returns the token of object id at version for purpose p.
func (l *Links) Sign(p Purpose, id int64, version int) string {
	return strconv.FormatInt(id, 10) + "-" + l.mac(p, id, version)
}

// Verify checks a token made for purpose p and returns the id it names.
// version gives the object's current version (from the store); an error
// from it is returned as is (a database failure is not an invalid link),
// so it should answer an unknown id with a version, or with ErrInvalid.
// The MACs are compared in constant time.
func (l *Links) Verify(p Purpose, token string, version func(id int64) (int, error)) (int64, error) {
	idPart, mac, ok := strings.Cut(token, "-")
	if !ok || mac == "" || idPart == "" || idPart[0] == '0' || idPart[0] == '+' {
		return 0, ErrInvalid
	}
	id, err := strconv.ParseInt(idPart, 10, 64)
	if err != nil || id <= 0 {
		return 0, ErrInvalid
	}
	v, err := version(id)
	if err != nil {
		return 0, err
	}
	if !hmac.Equal([]byte(mac), []byte(l.mac(p, id, v))) {
		return 0, ErrInvalid
	}
	return id, nil
}

// SignIn is the URL mailed with a sign-in token (random, stored hashed:
// not an HMAC), with the page to go to after signing in when there is one.
func (l *Links) SignIn(token, next string) string {
	link := l.base + "/connexion/lien/" + token
	if next != "" && next != "/tableau-de-bord" {
		link += "?suite=" + url.QueryEscape(next)
	}
	return link
}

// FeedURL is the address of a facilitator's bookings feed (.ics).
func (l *Links) FeedURL(userID int64, version int) string {
	return l.base + "/flux/" + l.Sign(Feed, userID, version) + "/calendrier.ics"
}

// Webcal is the feed's address with the webcal scheme, which calendar
// applications open as a subscription.
func (l *Links) Webcal(userID int64, version int) string {
	u := l.FeedURL(userID, version)
	if i := strings.Index(u, "://"); i >= 0 {
		return "webcal" + u[i:]
	}
	return u
}

// SignupURL is the sign-up page of a partner invited to a session
// (models.SessionPartner: its id and link version).
func (l *Links) SignupURL(partnerID int64, version int) string {
	return l.base + "/inscription/" + l.Sign(Signup, partnerID, version)
}

// CancelURL is a participant's one-click cancellation (models.Registration).
func (l *Links) CancelURL(registrationID int64, version int) string {
	return l.base + "/annulation/" + l.Sign(Cancel, registrationID, version)
}

// FeedbackURL is an attendee's feedback questionnaire (planned).
func (l *Links) FeedbackURL(registrationID int64, version int) string {
	return l.base + "/avis/" + l.Sign(Feedback, registrationID, version)
}
