package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"

	"quartier/assets"
)

// staticFiles serves assets/static under /static/<version>/…, where the
// version is a hash of the files: URLs change when content does, so the
// browser may cache them for a year.
type staticFiles struct {
	version string
	files   map[string][]byte
}

func newStaticFiles() (*staticFiles, error) {
	sub, err := fs.Sub(assets.FS, "static")
	if err != nil {
		return nil, err
	}
	s := &staticFiles{files: map[string][]byte{}}
	h := sha256.New()
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		s.files[p] = b
		h.Write([]byte(p))
		h.Write(b)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.version = hex.EncodeToString(h.Sum(nil))[:12]
	return s, nil
}

// serve answers GET /static/:version/*.
func (h *Handler) serveStatic(c echo.Context) error {
	name := strings.TrimPrefix(path.Clean("/"+c.Param("*")), "/")
	b, ok := h.static.files[name]
	if !ok || strings.HasSuffix(name, ".md") {
		return echo.ErrNotFound
	}
	if c.Param("version") == h.static.version {
		c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Response().Header().Set("Cache-Control", "no-cache")
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = http.DetectContentType(b)
	}
	return c.Blob(http.StatusOK, ctype, b)
}
