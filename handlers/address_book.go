package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"quartier/models"
)

// addressBookPage is the coordinator's address book: the partner
// organisations of their CLSMs.
type addressBookPage struct {
	Rows []models.OrganisationRow
}

// showAddressBook lists the organisations of the coordinator's CLSMs.
func (h *Handler) showAddressBook(c echo.Context) error {
	rows, err := h.store.OrganisationsOfCoordinator(c.Request().Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, pageAddressBook, "partners", addressBookPage{Rows: rows})
}

// organisationPage is the form of one organisation of the address book.
type organisationPage struct {
	Org    models.Organisation
	Form   organisationForm
	Errors formErrors
	Kinds  []formChoice
}

// showOrganisation shows the form of an organisation of the address book.
func (h *Handler) showOrganisation(c echo.Context, o models.Organisation) error {
	f := organisationForm{Name: o.Name, Kind: string(o.Kind), ContactName: o.ContactName, ContactEmail: o.ContactEmail}
	return h.render(c, http.StatusOK, pageOrganisationForm, "partners", organisationPage{Org: o, Form: f, Kinds: orgKindChoices()})
}

// updateOrganisation saves the name, kind and contact of an organisation.
func (h *Handler) updateOrganisation(c echo.Context, o models.Organisation) error {
	f := bindOrganisation(c)
	errs := formProblems(c)
	if len(errs) == 0 {
		saved, err := h.store.UpdateOrganisation(c.Request().Context(), currentUser(c).ID, o.CLSMID, o.ID, f.input())
		if err == nil {
			return h.redirect(c, fmt.Sprintf("/structures#structure-%d", o.ID), "success",
				fmt.Sprintf("« %s » est enregistrée. Les prochains courriels iront à son nouveau contact ; les liens déjà envoyés restent valables.", saved.Name))
		}
		if errs, err = fieldErrors(err); err != nil {
			return err
		}
	}
	return h.render(c, invalidForm, pageOrganisationForm, "partners", organisationPage{Org: o, Form: f, Errors: errs, Kinds: orgKindChoices()})
}
