package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"quartier/models"
)

// personalDataPage is the admin's « Données personnelles » page: how long
// personal data is kept, the last runs of the retention purge, the form
// of a subject request (export or erase one address) and the history of
// those requests (by fingerprint, never by address).
type personalDataPage struct {
	RetentionMonths int
	Runs            []models.RetentionRun
	Email           string
	Errors          formErrors
	Audit           []models.AuditEvent
}

// personalDataPath is the page's address.
const personalDataPath = "/admin/donnees-personnelles"

func (h *Handler) renderPersonalData(c echo.Context, status int, p personalDataPage) error {
	ctx := c.Request().Context()
	p.RetentionMonths = h.cfg.RGPD.RetentionMonths
	var err error
	if p.Runs, err = h.store.RetentionRuns(ctx, 10); err != nil {
		return err
	}
	if p.Audit, err = h.store.RecentAudit(ctx, "rgpd", 0, 20); err != nil {
		return err
	}
	return h.render(c, status, pageAdminPersonalData, "personal-data", p)
}

func (h *Handler) showPersonalData(c echo.Context) error {
	return h.renderPersonalData(c, http.StatusOK, personalDataPage{})
}

// subjectForm reads the address of a subject request; on a problem it
// re-renders the page with the message next to the field and what was
// typed.
func (h *Handler) subjectForm(c echo.Context) (string, bool, error) {
	email := strings.TrimSpace(c.FormValue("email"))
	errs := formProblems(c)
	if len(errs) == 0 && email == "" {
		errs["email"] = "Saisissez l’adresse électronique de la personne."
	}
	if len(errs) > 0 {
		return email, false, h.renderPersonalData(c, invalidForm, personalDataPage{Email: email, Errors: errs})
	}
	return email, true, nil
}

// subjectError shows a model's validation error on the page; any other
// error goes to the error page.
func (h *Handler) subjectError(c echo.Context, email string, err error) error {
	var v *models.ValidationError
	if errors.As(err, &v) {
		return h.renderPersonalData(c, invalidForm, personalDataPage{Email: email, Errors: formErrors(v.Fields)})
	}
	return err
}

// exportPersonalData downloads, as JSON, everything held about one
// address; the export is recorded in the audit trail.
func (h *Handler) exportPersonalData(c echo.Context) error {
	email, ok, err := h.subjectForm(c)
	if !ok {
		return err
	}
	e, err := h.store.ExportSubject(c.Request().Context(), currentUser(c).ID, email)
	if err != nil {
		return h.subjectError(c, email, err)
	}
	body, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return fmt.Errorf("export personal data: %w", err)
	}
	hd := c.Response().Header()
	hd.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="donnees-%s.json"`, h.store.SubjectFingerprint(e.Email)))
	hd.Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, body)
}

// erasePersonalData erases one address after a confirmation page that
// says what will change.
func (h *Handler) erasePersonalData(c echo.Context) error {
	email, ok, err := h.subjectForm(c)
	if !ok {
		return err
	}
	ctx := c.Request().Context()
	if !confirmed(c) {
		e, err := h.store.PreviewSubject(ctx, email)
		if err != nil {
			return h.subjectError(c, email, err)
		}
		return h.askConfirmation(c, "personal-data", erasureConfirmation(e))
	}
	res, err := h.store.EraseSubject(ctx, currentUser(c).ID, email)
	if err != nil {
		return h.subjectError(c, email, err)
	}
	msg := fmt.Sprintf("Données effacées : %d inscription%s anonymisée%s, %d courriel%s effacé%s, %d structure%s sans contact, %d compte%s anonymisé%s.",
		res.Registrations, sIf(res.Registrations), sIf(res.Registrations), res.OutboxMessages, sIf(res.OutboxMessages), sIf(res.OutboxMessages),
		res.Organisations, sIf(res.Organisations), res.Users, sIf(res.Users), sIf(res.Users))
	if res.KeptAdmin {
		msg += " Le compte est celui du dernier administrateur actif : il est conservé ; créez un autre compte d’administration puis recommencez."
	}
	return h.redirect(c, personalDataPath, "success", msg)
}

// erasureConfirmation says what erasing the address of e will change.
func erasureConfirmation(e models.SubjectExport) confirmPage {
	p := confirmPage{
		Title:      "Effacer les données de cette personne",
		QuoteLabel: "Adresse",
		Quote:      e.Email,
		Action:     personalDataPath + "/effacer",
		Hidden:     []hiddenField{{Name: "email", Value: e.Email}},
		Confirm:    "Effacer définitivement",
		Cancel:     personalDataPath,
	}
	if e.Empty() {
		p.Points = append(p.Points, "Rien n’est enregistré à cette adresse : l’effacement sera seulement noté, et rejoué si une sauvegarde plus ancienne est restaurée.")
		return p
	}
	if n := len(e.Registrations); n > 0 {
		p.Points = append(p.Points, fmt.Sprintf("%d inscription%s anonymisée%s : nom, adresse, fonction et besoins d’accessibilité remplacés par « %s » ; les effectifs et les bilans ne changent pas ; ses liens d’annulation et de questionnaire ne marchent plus.",
			n, sIf(n), sIf(n), models.AnonymisedName))
	}
	if n := len(e.Outbox); n > 0 {
		p.Points = append(p.Points, fmt.Sprintf("%d courriel%s à cette adresse effacé%s (ceux qui restaient à envoyer sont annulés).", n, sIf(n), sIf(n)))
	}
	if n := len(e.Organisations); n > 0 {
		p.Points = append(p.Points, fmt.Sprintf("%d structure%s partenaire%s %s (nom et adresse).", n, sIf(n), sIf(n), plural(n, "perd son contact", "perdent leur contact")))
	}
	if e.User != nil {
		p.Points = append(p.Points, "Son compte est désactivé et anonymisé (sauf s’il s’agit du dernier compte d’administration actif).")
	}
	if n := len(e.Audit); n > 0 {
		p.Points = append(p.Points, fmt.Sprintf("L’adresse est retirée de %d événement%s de l’historique.", n, sIf(n)))
	}
	p.Points = append(p.Points, "Cela ne peut pas être annulé. L’effacement est noté (sans l’adresse) et rejoué si une sauvegarde plus ancienne est restaurée.")
	return p
}

// sIf is the plural ending of a French noun or participle counted n.
func sIf(n int) string { return plural(n, "", "s") }
