package handlers

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// csvFormulaStart are the first characters that make a spreadsheet read a
// cell as a formula.
const csvFormulaStart = "=+-@\t\r"

// csvCell neutralises a value a spreadsheet would run as a formula (CSV
// injection) by a leading apostrophe.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune(csvFormulaStart, rune(s[0])) {
		return "'" + s
	}
	return s
}

// frenchCSV writes rows for a French spreadsheet: UTF-8 with a byte-order
// mark, « ; » between cells, CRLF line ends, formula cells neutralised.
// Dates are the caller's to write in French (25/11/2026 14:05).
func frenchCSV(rows [][]string) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.Comma, w.UseCRLF = ';', true
	for _, row := range rows {
		cells := make([]string, len(row))
		for i, v := range row {
			cells[i] = csvCell(v)
		}
		if err := w.Write(cells); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// sendDownload answers body as an attachment named name, never cached.
func sendDownload(c echo.Context, name, contentType string, body []byte) error {
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+attachmentName(name)+`"`)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, contentType, body)
}

// attachmentName keeps a download's file name to letters, digits, dot,
// dash and underscore: no quote, line break, slash or ".." can reach the
// Content-Disposition header or the folder the browser saves into.
func attachmentName(name string) string {
	b := []byte(name)
	for i, ch := range b {
		ok := ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '.' || ch == '-' || ch == '_'
		if !ok {
			b[i] = '_'
		}
	}
	out := strings.TrimLeft(strings.ReplaceAll(string(b), "..", "_"), ".")
	if out == "" {
		return "export"
	}
	return out
}
