package handlers

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestHandleError_500HidesTheDetail: an unexpected error is logged with the
// request id and shown as a French page that reveals nothing internal.
func TestHandleError_500HidesTheDetail(t *testing.T) {
	views, err := parseViews()
	if err != nil {
		t.Fatal(err)
	}
	static, err := newStaticFiles()
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	h := &Handler{views: views, static: static, secret: []byte("test-secret-test-secret-test-secret"), log: slog.New(slog.NewTextHandler(&logs, nil))}
	e := echo.New()
	e.HTTPErrorHandler = h.handleError
	e.GET("/boom", func(echo.Context) error {
		return errors.New("sql: database is locked near secret_table for lea.martin@exemple.fr")
	})
	e.GET("/panic", h.recoverPanics(func(echo.Context) error { panic("nil map in secret_function") }))
	for _, path := range []string{"/boom", "/panic"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		rec.Header().Set(echo.HeaderXRequestID, "req-42")
		e.ServeHTTP(rec, req)
		body := rec.Body.String()
		if rec.Code != http.StatusInternalServerError || !strings.Contains(body, "Erreur du serveur") || !strings.Contains(body, "req-42") {
			t.Errorf("%s: %d", path, rec.Code)
		}
		if strings.Contains(body, "secret_") || strings.Contains(body, "goroutine") {
			t.Errorf("%s: internal detail shown to the user", path)
		}
	}
	if !strings.Contains(logs.String(), "secret_table") || !strings.Contains(logs.String(), "request_id=req-42") {
		t.Errorf("detail not logged with the request id:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "lea.martin") || !strings.Contains(logs.String(), "[adresse masquée]") {
		t.Errorf("an address went to the logs:\n%s", logs.String())
	}
}
