package models

import (
	"errors"
	"fmt"
)

// UserError is implemented by errors whose message may be shown to a user:
// UserMessage is French and carries no internal detail.
type UserError interface {
	error
	UserMessage() string
}

// NotFoundError says the named object does not exist (or is not visible).
type NotFoundError struct{ What string }

func (e *NotFoundError) Error() string { return e.What + " not found" }

// UserMessage implements UserError.
func (e *NotFoundError) UserMessage() string { return "Cette page ou cet élément n'existe pas." }

// ErrNotFound matches any NotFoundError with errors.Is.
var ErrNotFound = errors.New("not found")

// Is makes errors.Is(err, ErrNotFound) true for every NotFoundError.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// ErrForbidden says the acting user may not do this.
var ErrForbidden = &ForbiddenError{}

// ForbiddenError says the acting user may not see or change the object.
type ForbiddenError struct{}

func (e *ForbiddenError) Error() string { return "forbidden" }

// UserMessage implements UserError.
func (e *ForbiddenError) UserMessage() string {
	return "Vous n'avez pas accès à cette page avec votre compte."
}

// ValidationError carries French messages per field, for a form to show next
// to each field; the key "" is a message for the whole form.
type ValidationError struct{ Fields map[string]string }

func (e *ValidationError) Error() string { return fmt.Sprintf("invalid input: %v", e.Fields) }

// UserMessage implements UserError.
func (e *ValidationError) UserMessage() string {
	if m, ok := e.Fields[""]; ok {
		return m
	}
	return "Certains champs sont à corriger."
}

// invalid builds a ValidationError for one field.
func invalid(field, message string) *ValidationError {
	return &ValidationError{Fields: map[string]string{field: message}}
}

// ConflictError says the operation cannot be done in the object's current
// state (an invalid transition, a duplicate); Message is French.
type ConflictError struct{ Message string }

func (e *ConflictError) Error() string { return "conflict: " + e.Message }

// UserMessage implements UserError.
func (e *ConflictError) UserMessage() string { return e.Message }
