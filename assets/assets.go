// Package assets embeds everything quartier serves or renders: page and
// email templates, CSS, the little JavaScript there is, and images.
package assets

import "embed"

// FS holds templates/ and static/.
//
//go:embed templates static
var FS embed.FS
