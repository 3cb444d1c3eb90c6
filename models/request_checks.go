package models

import (
	"fmt"
	"strings"
)

// CheckDecision says, before anything is written, whether an administrator's
// decision could be recorded as typed: the same rules DecideRequest applies
// (a reason to decline, a message to ask for changes, a bounded length). The
// confirmation step uses it, so that a mistake is shown on the first step.
func CheckDecision(to RequestState, comment string) error {
	comment = strings.TrimSpace(comment)
	switch {
	case to == RequestDeclined && comment == "":
		return invalid("comment", "Indiquez la raison du refus : elle est envoyée à la coordination du CLSM.")
	case to == RequestChangesRequested && comment == "":
		return invalid("comment", "Indiquez les modifications attendues : ce message est envoyé à la coordination du CLSM.")
	}
	return checkCommentLength(comment)
}

// CheckWithdrawal says whether a withdrawal's reason could be recorded, as
// WithdrawRequest would: it is optional, but bounded.
func CheckWithdrawal(comment string) error {
	return checkCommentLength(strings.TrimSpace(comment))
}

func checkCommentLength(comment string) error {
	if len([]rune(comment)) > MaxCommentLength {
		return invalid("comment", fmt.Sprintf("Le message est trop long (%d caractères au plus).", MaxCommentLength))
	}
	return nil
}
