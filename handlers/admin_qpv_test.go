package handlers_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// A refused QPV file is explained in plain French, and the page does not
// claim the file was kept: the browser forgets it.
func TestAdminQPVImport_RefusedFileInPlainFrench(t *testing.T) {
	e := newEnv(t)
	c := e.as(&e.admin)
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("csrf_token", c.csrf())
	fw, _ := w.CreateFormFile("file", "qpv.csv")
	fw.Write([]byte("nom_qp;insee_com\nAlma-Gare;59512\n"))
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/admin/qpv/import", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	r := c.do(req)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", r.Status)
	}
	for _, want := range []string{"la première ligne du fichier doit nommer les colonnes", "le code du quartier", "choisissez-le à nouveau", `href="#f-file"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, jargon := range []string{"en-tête", "colonnes (", "est conservé"} {
		if strings.Contains(r.Body, jargon) {
			t.Errorf("page still says %q", jargon)
		}
	}
}
