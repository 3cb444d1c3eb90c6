// Package textfold is how quartier compares names typed by people with
// names it stores: without case, accents, hyphens or apostrophes, with
// « st » and « ste » read as « saint » and « sainte ». It is the one
// folding of the application: territory matches communes and quartiers
// with it, models keeps the search keys of its lists with it.
package textfold

import (
	"strings"
	"unicode"
)

// fold returns the unaccented lower-case spelling of r, or "" if r is not a
// letter or digit.
func fold(r rune) string {
	if r < 0x80 {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			return asciiStrings[r]
		case r >= 'A' && r <= 'Z':
			return asciiStrings[r+'a'-'A']
		}
		return ""
	}
	r = unicode.ToLower(r)
	switch r {
	case 'à', 'â', 'ä', 'á', 'ã', 'å':
		return "a"
	case 'ç':
		return "c"
	case 'é', 'è', 'ê', 'ë':
		return "e"
	case 'î', 'ï', 'í', 'ì':
		return "i"
	case 'ô', 'ö', 'ó', 'ò', 'õ':
		return "o"
	case 'ù', 'û', 'ü', 'ú':
		return "u"
	case 'ÿ':
		return "y"
	case 'ñ':
		return "n"
	case 'œ':
		return "oe"
	case 'æ':
		return "ae"
	}
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		return string(r)
	}
	return ""
}

var asciiStrings = func() (t [128]string) {
	for i := range t {
		t[i] = string(rune(i))
	}
	return t
}()

// Raw lowercases s, removes accents and turns any run of other
// characters (hyphens, apostrophes, spaces) into one space.
func Raw(s string) string {
	b := make([]byte, 0, len(s))
	space := true
	for _, r := range s {
		if f := fold(r); f != "" {
			b = append(b, f...)
			space = false
		} else if !space {
			b = append(b, ' ')
			space = true
		}
	}
	if len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return string(b)
}

// Fold is Raw with the words « st » and « ste » spelt out.
func Fold(s string) string {
	n := Raw(s)
	if !strings.Contains(n, "st") {
		return n
	}
	words := strings.Split(n, " ")
	for i, w := range words {
		switch w {
		case "st":
			words[i] = "saint"
		case "ste":
			words[i] = "sainte"
		}
	}
	return strings.Join(words, " ")
}
