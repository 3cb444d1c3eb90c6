package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/labstack/echo/v4"

	"quartier/frtime"
	"quartier/ical"
	"quartier/internal/calendarsub"
	"quartier/models"
)

// importPage shows the imported file, the subscription and their forms.
type importPage struct {
	Tabs     []calTab
	Settings models.CalendarSettings
	Zone     *time.Location
	Months   int
	MaxMB    string
	SubHost  string // the subscription's host; the full URL is a secret
	URL      string // the subscription form's value
	Errors   map[string]string
	// When the file was imported, the subscription last succeeded, failed.
	FileWhen, SubSuccessWhen, SubFailWhen string
}

// showImport shows the import page.
func (h *Handler) showImport(c echo.Context) error {
	return h.renderImport(c, http.StatusOK, importPage{})
}

func (h *Handler) renderImport(c echo.Context, status int, p importPage) error {
	u := currentUser(c)
	st, err := h.store.CalendarSettingsOf(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	p.Tabs, p.Settings, p.Zone = tabs("/calendrier/import"), st, models.LocationOf(u.TimeZone)
	p.Months = h.cfg.Calendar.HorizonMonths
	p.MaxMB = strings.Replace(strings.TrimSuffix(fmt.Sprintf("%.1f", float64(h.cfg.Calendar.MaxBytes)/(1<<20)), ".0"), ".", ",", 1)
	p.FileWhen, p.SubSuccessWhen, p.SubFailWhen = frWhen(st.FileImportedAt, p.Zone), frWhen(st.SubSucceededAt, p.Zone), frWhen(st.SubFailedAt, p.Zone)
	if pu, err := url.Parse(st.SubURL); err == nil {
		p.SubHost = pu.Hostname()
	}
	return h.render(c, status, pageCalendarImport, "calendar", p)
}

// refresher builds the calendar importer from the configuration.
func (h *Handler) refresher() *calendarsub.Refresher {
	return calendarsub.NewRefresher(h.store, h.cfg.Calendar, h.log)
}

// importFile imports the busy time of an uploaded .ics file (field "ics")
// over [today, today + calendar.horizon_months), replacing the last file.
func (h *Handler) importFile(c echo.Context) error {
	u := currentUser(c)
	fail := func(msg string) error {
		return h.renderImport(c, http.StatusUnprocessableEntity, importPage{Errors: map[string]string{"ics": msg}})
	}
	fh, err := c.FormFile("ics")
	if err != nil || fh.Size == 0 {
		return fail("Choisissez un fichier de calendrier (.ics) exporté de votre agenda.")
	}
	if fh.Size > h.cfg.Calendar.MaxBytes {
		return fail((&ical.ImportError{Kind: ical.ErrCalendarTooLarge}).UserMessage())
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	loc := models.LocationOf(u.TimeZone)
	from, to := calendarsub.ImportWindow(h.now(), loc, h.cfg.Calendar.HorizonMonths)
	ivs, err := calendarsub.Import(f, ical.ImportOptions{From: from, To: to, Location: loc, MaxBytes: h.cfg.Calendar.MaxBytes})
	var ie *ical.ImportError
	switch {
	case errors.As(err, &ie):
		return fail(ie.UserMessage())
	case err != nil:
		return err
	}
	name := uploadedName(fh.Filename)
	if err := h.store.ImportBusyFile(c.Request().Context(), u.ID, name, ivs); err != nil {
		return err
	}
	return h.redirect(c, "/calendrier", "success", fmt.Sprintf("Votre agenda est importé : %d %s sur les %d prochains mois.",
		len(ivs), plural(len(ivs), "plage occupée", "plages occupées"), h.cfg.Calendar.HorizonMonths))
}

// clearImportedFile forgets the imported file's busy time.
func (h *Handler) clearImportedFile(c echo.Context) error {
	if err := h.store.ClearBusyFile(c.Request().Context(), currentUser(c).ID); err != nil {
		return err
	}
	return h.redirect(c, "/calendrier/import", "success", "Les occupations du fichier importé sont retirées.")
}

// subscribe checks the address, fetches it once (errors are shown next
// to the field and nothing is saved), then saves the subscription and its
// busy time; serve refreshes it every calendar.refresh_interval.
func (h *Handler) subscribe(c echo.Context) error {
	u := currentUser(c)
	raw := strings.TrimSpace(c.FormValue("url"))
	fail := func(msg string) error {
		return h.renderImport(c, http.StatusUnprocessableEntity, importPage{URL: raw, Errors: map[string]string{"url": msg}})
	}
	if m := formProblems(c)["url"]; m != "" {
		return fail(m)
	}
	if raw == "" {
		return fail("Collez l'adresse secrète (.ics) de votre agenda, par exemple https://outlook.office365.com/owa/calendar/…/calendar.ics.")
	}
	parsed, err := calendarsub.ParseURL(raw)
	if err != nil {
		return fail(calendarsub.UserMessageOf(err))
	}
	res, err := h.refresher().FetchBusy(c.Request().Context(), parsed.String(), models.LocationOf(u.TimeZone), calendarsub.Conditional{})
	if err != nil {
		h.log.Info("calendar subscription refused", "user_id", u.ID, "error", err.Error())
		return fail(calendarsub.UserMessageOf(err))
	}
	if err := h.store.Subscribe(c.Request().Context(), u.ID, parsed.String(), res); err != nil {
		return err
	}
	return h.redirect(c, "/calendrier", "success", fmt.Sprintf("Abonnement enregistré : %d %s importées ; votre agenda sera relu automatiquement.",
		len(res.Ranges), plural(len(res.Ranges), "plage occupée", "plages occupées")))
}

// refreshSubscription fetches the subscription now.
func (h *Handler) refreshSubscription(c echo.Context) error {
	u := currentUser(c)
	ctx := c.Request().Context()
	st, err := h.store.CalendarSettingsOf(ctx, u.ID)
	if err != nil {
		return err
	}
	if st.SubURL == "" {
		return h.redirect(c, "/calendrier/import", "info", "Vous n'avez pas d'abonnement à actualiser.")
	}
	res, err := h.refresher().FetchBusy(ctx, st.SubURL, models.LocationOf(u.TimeZone), calendarsub.Conditional{ETag: st.SubETag, LastModified: st.SubLastModified})
	if err != nil {
		msg := calendarsub.UserMessageOf(err)
		if rerr := h.store.RecordFetchFailure(ctx, u.ID, st.SubURL, msg); rerr != nil {
			return rerr
		}
		return h.redirect(c, "/calendrier/import", "error", "L'actualisation a échoué : "+msg+" Les occupations importées précédemment sont conservées.")
	}
	if err := h.store.RecordFetch(ctx, u.ID, st.SubURL, res); err != nil {
		return err
	}
	return h.redirect(c, "/calendrier/import", "success", "Votre agenda est à jour.")
}

// unsubscribe removes the subscription and its busy time.
func (h *Handler) unsubscribe(c echo.Context) error {
	if err := h.store.Unsubscribe(c.Request().Context(), currentUser(c).ID); err != nil {
		return err
	}
	return h.redirect(c, "/calendrier/import", "success", "L'abonnement est supprimé, ainsi que les occupations qu'il avait importées.")
}

// plural picks the singular for 0 and 1, as French does.
func plural(n int, one, many string) string {
	if n <= 1 {
		return one
	}
	return many
}

// frWhen writes an instant for the import page, in loc.
func frWhen(t *time.Time, loc *time.Location) string {
	if t == nil {
		return ""
	}
	return frtime.DateTime(t.In(loc))
}

// uploadedName is the name of an uploaded file as it is kept and shown:
// its last path element (no folder, no ".."), valid UTF-8 without control
// characters, at most 120 characters.
func uploadedName(raw string) string {
	name := filepath.Base(strings.ReplaceAll(strings.ToValidUTF8(raw, ""), `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return -1
		}
		return r
	}, name)
	if name = strings.TrimSpace(name); name == "" || name == "." || name == ".." || name == "/" {
		name = "agenda.ics"
	}
	if len([]rune(name)) > 120 {
		name = string([]rune(name)[:120])
	}
	return name
}
