package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"quartier/models"
)

// peoplePage lists accounts, one page at a time.
type peoplePage struct {
	People []models.UserRow
	Query  string
	Role   string
	Pager  *pager
}

// listPeople lists the accounts matching the query parameters q (part of
// a name or an address) and role, by name.
func (h *Handler) listPeople(c echo.Context) error {
	ctx := c.Request().Context()
	p := peoplePage{Query: searchQuery(c), Role: c.QueryParam("role"), Pager: newPager(c, listPageSize)}
	if !models.Role(p.Role).Valid() {
		p.Role = "" // an unknown role (an edited link) lists every role, as the other lists reset their filters
	}
	f := models.UserFilter{Query: p.Query, Role: models.Role(p.Role)}
	total, err := h.store.CountUsersMatching(ctx, f)
	if err != nil {
		return err
	}
	p.Pager.setTotal(total)
	f.Limit, f.Offset = p.Pager.Limit(), p.Pager.Offset()
	if p.People, err = h.store.ListUserRows(ctx, f); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, pageAdminPeople, "people", p)
}

// personForm is the account form, as typed.
type personForm struct {
	ID          int64
	Name        string
	Email       string
	Role        string
	CLSM        string
	HomeCommune string
	TimeZone    string
	MaxPerDay   string
	MaxPerWeek  string
	Active      bool
	Errors      formErrors
	// CLSMMatches are the CLSMs the CLSM field's text names, offered when
	// it names several or after « Rechercher » (a search field, not a
	// list of every CLSM).
	CLSMMatches []models.CLSMRow
	Zones       []zoneOption
	Roles       []models.Role
	Audit       auditTrail
}

func (h *Handler) personFormFor(c echo.Context, f personForm) (personForm, error) {
	f.Zones, f.Roles = zoneChoices(), models.Roles
	// A bare id (an older form's post) reads as the label.
	if id, err := strconv.ParseInt(strings.TrimSpace(f.CLSM), 10, 64); err == nil {
		if r, err := h.store.CLSMChoice(c.Request().Context(), id); err == nil {
			f.CLSM = clsmLabel(r.ID, r.Name)
		}
	}
	return f, nil
}

func (h *Handler) showNewPerson(c echo.Context) error {
	f, err := h.personFormFor(c, personForm{Role: string(models.RoleCoordinator), TimeZone: "Europe/Paris", MaxPerDay: "1", MaxPerWeek: "3"})
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, pageAdminPersonForm, "people", f)
}

// personFormTyped is the person form as posted, unchecked.
func personFormTyped(c echo.Context) personForm {
	return personForm{
		Name: c.FormValue("name"), Email: c.FormValue("email"), Role: c.FormValue("role"), CLSM: c.FormValue("clsm"),
		HomeCommune: strings.TrimSpace(c.FormValue("home_commune")), TimeZone: c.FormValue("time_zone"),
		MaxPerDay: c.FormValue("max_per_day"), MaxPerWeek: c.FormValue("max_per_week"), Errors: formProblems(c),
	}
}

// bindPerson reads the form and checks what the model cannot (the commune
// against the reference data, the CLSM named by the search field).
func (h *Handler) bindPerson(c echo.Context) (personForm, models.NewUser, *int64, error) {
	f := personFormTyped(c)
	in := models.NewUser{Email: f.Email, Name: f.Name, Role: models.Role(f.Role), TimeZone: f.TimeZone,
		MaxPerDay:  formInt(c, "max_per_day", "Le plafond par jour", f.Errors),
		MaxPerWeek: formInt(c, "max_per_week", "Le plafond par semaine", f.Errors)}
	if _, over := f.Errors["home_commune"]; !over && f.HomeCommune != "" {
		com, msg := h.geo.ResolveCommune(f.HomeCommune)
		if msg != "" {
			f.Errors["home_commune"] = msg
		} else {
			in.HomeINSEE, f.HomeCommune = com.INSEE, com.LabelFor(f.HomeCommune)
		}
	}
	if models.Role(f.Role) == models.RoleFacilitator && f.HomeCommune == "" {
		f.Errors["home_commune"] = "Indiquez la commune de rattachement de la chargée de mission (point de départ des trajets)."
	}
	if _, err := in.Validate(); err != nil {
		if fe, _ := fieldErrors(err); fe != nil {
			for k, v := range fe {
				if _, seen := f.Errors[k]; !seen {
					f.Errors[k] = v
				}
			}
		}
	}
	var clsmID *int64
	if _, over := f.Errors["clsm"]; !over && models.Role(f.Role) == models.RoleCoordinator {
		found, err := h.resolveCLSM(c.Request().Context(), f.CLSM, c.FormValue("clsm_choix"))
		if err != nil {
			return f, in, nil, err
		}
		switch {
		case found.Problem != "":
			f.Errors["clsm"], f.CLSMMatches = found.Problem, found.Matches
		case found.ID != 0:
			clsmID = &found.ID
		}
	}
	return f, in, clsmID, nil
}

// searchPersonCLSM answers the person form's « Rechercher »: the form
// comes back as typed, unsaved, with the CLSMs whose name contains the
// text of the CLSM field to choose from.
func (h *Handler) searchPersonCLSM(c echo.Context, f personForm) error {
	f.Errors = formProblems(c)
	if _, over := f.Errors["clsm"]; !over {
		text := strings.TrimSpace(f.CLSM)
		if text != "" {
			var err error
			if f.CLSMMatches, err = h.store.FindCLSMChoices(c.Request().Context(), text, maxSuggestions); err != nil {
				return err
			}
		}
		if msg := searchProblem(text, len(f.CLSMMatches), "du CLSM"); msg != "" {
			f.Errors["clsm"] = msg
		}
	}
	f, err := h.personFormFor(c, f)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, pageAdminPersonForm, "people", f)
}

func (h *Handler) createPerson(c echo.Context) error {
	ctx := c.Request().Context()
	actor := currentUser(c)
	if c.FormValue("chercher") == "clsm" {
		return h.searchPersonCLSM(c, personFormTyped(c))
	}
	f, in, clsmID, err := h.bindPerson(c)
	if err != nil {
		return err
	}
	var u models.User
	if len(f.Errors) == 0 {
		u, err = h.store.CreateUser(ctx, actor.ID, in, clsmID)
		if f.Errors, err = mergeFieldErrors(f.Errors, err); err != nil {
			return err
		}
	}
	if len(f.Errors) > 0 {
		if f, err = h.personFormFor(c, f); err != nil {
			return err
		}
		return h.render(c, invalidForm, pageAdminPersonForm, "people", f)
	}
	return h.redirect(c, "/admin/personnes/"+strconv.FormatInt(u.ID, 10), "success",
		"Compte créé pour "+u.Name+" : un courriel de bienvenue avec un lien de connexion lui a été envoyé.")
}

func (h *Handler) showPerson(c echo.Context, u models.User) error {
	ctx := c.Request().Context()
	f := personForm{ID: u.ID, Name: u.Name, Email: u.Email, Role: string(u.Role), HomeCommune: h.geo.CommuneLabel(u.HomeINSEE), TimeZone: u.TimeZone,
		MaxPerDay: strconv.Itoa(u.MaxPerDay), MaxPerWeek: strconv.Itoa(u.MaxPerWeek), Active: u.Active}
	if mine, err := h.store.CLSMsOfCoordinator(ctx, u.ID); err == nil && len(mine) > 0 {
		f.CLSM = clsmLabel(mine[0].ID, mine[0].Name)
	}
	var err error
	if f.Audit, err = h.auditTrail(c, "user", u.ID); err != nil {
		return err
	}
	if f, err = h.personFormFor(c, f); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, pageAdminPersonForm, "people", f)
}

func (h *Handler) updatePerson(c echo.Context, old models.User) error {
	ctx := c.Request().Context()
	id := old.ID
	if c.FormValue("chercher") == "clsm" {
		f := personFormTyped(c)
		f.ID, f.Active = id, old.Active
		var err error
		if f.Audit, err = h.auditTrail(c, "user", id); err != nil {
			return err
		}
		return h.searchPersonCLSM(c, f)
	}
	f, in, clsmID, err := h.bindPerson(c)
	if err != nil {
		return err
	}
	f.ID, f.Active = id, old.Active
	if len(f.Errors) == 0 {
		_, err = h.store.UpdateUser(ctx, currentUser(c).ID, id, in, clsmID)
		if f.Errors, err = mergeFieldErrors(f.Errors, err); err != nil {
			return err
		}
	}
	if len(f.Errors) > 0 {
		if f.Audit, err = h.auditTrail(c, "user", id); err != nil {
			return err
		}
		if f, err = h.personFormFor(c, f); err != nil {
			return err
		}
		return h.render(c, invalidForm, pageAdminPersonForm, "people", f)
	}
	return h.redirect(c, "/admin/personnes/"+strconv.FormatInt(id, 10), "success", "Modifications enregistrées.")
}

// setPersonActive deactivates (once confirmed) or reactivates an account.
func (h *Handler) setPersonActive(active bool) func(echo.Context, models.User) error {
	return func(c echo.Context, u models.User) error {
		id := u.ID
		if !active && !confirmed(c) {
			return h.confirmDeactivation(c, u)
		}
		if err := h.store.SetUserActive(c.Request().Context(), currentUser(c).ID, id, active); err != nil {
			return err
		}
		msg := "Compte désactivé : la personne ne peut plus se connecter ; ses actions passées restent à son nom."
		if active {
			msg = "Compte réactivé."
		}
		return h.redirect(c, "/admin/personnes/"+strconv.FormatInt(id, 10), "success", msg)
	}
}

// mergeFieldErrors adds a validation error's messages to errs; any other
// error is returned.
func mergeFieldErrors(errs formErrors, err error) (formErrors, error) {
	if err == nil {
		return errs, nil
	}
	fe, other := fieldErrors(err)
	if other != nil {
		return errs, other
	}
	for k, v := range fe {
		errs[k] = v
	}
	return errs, nil
}
