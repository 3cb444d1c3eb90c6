// Package welcome composes the welcome email of a new account, with its
// sign-in link; the admin pages and the demo both create accounts.
package welcome

import (
	"fmt"
	"strings"
	"time"

	"quartier/mailer"
	"quartier/models"
)

// LinkTTL is how long the sign-in link of a welcome email lasts: a newcomer
// may read it the next day or after a weekend. It still works only once.
const LinkTTL = 72 * time.Hour

// Mail composes the welcome email of u and the stored half of its link.
func Mail(c *mailer.Composer, baseURL string, u models.User, invitedBy string, now time.Time) (models.Envelope, models.LoginGrant, error) {
	token, hash, err := models.NewSecret()
	if err != nil {
		return models.Envelope{}, models.LoginGrant{}, err
	}
	expires := now.Add(LinkTTL)
	env, err := c.Welcome(mailer.WelcomeData{
		Key: fmt.Sprintf("welcome:%d", u.ID), Name: u.Name, Email: u.Email, Role: u.Role,
		Link: strings.TrimRight(baseURL, "/") + "/connexion/lien/" + token, Expires: expires, InvitedBy: invitedBy,
	})
	return env, models.LoginGrant{TokenHash: hash, Expires: expires}, err
}
