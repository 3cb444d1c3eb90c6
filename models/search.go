package models

import (
	"gorm.io/gorm"

	"quartier/internal/textfold"
)

// userSearchKey is what a search of people compares: the folded name and
// the folded address, apart (« | » is in no folded query).
func userSearchKey(name, email string) string {
	return textfold.Fold(name) + "|" + textfold.Fold(email)
}

// whereSearch keeps the rows whose search key column contains query,
// folded as the keys are (textfold.Fold: without case or accents, « st »
// read as « saint »), or its plain folding (textfold.Raw), so that « st »
// also finds « Christophe ». A query with no letter or digit matches
// nothing, and so does one longer than any name or address (SQLite
// refuses a LIKE pattern over 50,000 bytes). The folded text holds
// letters, digits and spaces only: no LIKE wildcard to escape.
func whereSearch(q *gorm.DB, column, query string) *gorm.DB {
	if tooLongToSearch(query) {
		return q.Where("1 = 0")
	}
	folded, raw := textfold.Fold(query), textfold.Raw(query)
	switch {
	case folded == "":
		return q.Where("1 = 0")
	case raw != folded:
		return q.Where("("+column+" LIKE ? OR "+column+" LIKE ?)", "%"+folded+"%", "%"+raw+"%")
	}
	return q.Where(column+" LIKE ?", "%"+folded+"%")
}
