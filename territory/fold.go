package territory

import "quartier/internal/textfold"

// NormalizeName is how the application compares names typed by people
// with official ones (communes, quartiers): without case, accents, hyphens
// or apostrophes, with « st » and « ste » read as « saint » and « sainte ».
// Two names that normalise alike are the same name to a person. It is
// textfold.Fold, the only name-folding function: use it rather than
// writing another.
func NormalizeName(s string) string { return normalize(s) }

// normalize is textfold.Fold: names with « st » and « ste » spelt out.
func normalize(s string) string { return textfold.Fold(s) }

// normalizeRaw is textfold.Raw: lower case, no accents, one space between words.
func normalizeRaw(s string) string { return textfold.Raw(s) }
