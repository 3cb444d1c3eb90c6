package e2e

import (
	"os"
	"testing"

	"github.com/chromedp/chromedp"

	"quartier/internal/browsertest"
)

func TestZZShots(t *testing.T) {
	s := startSite(t)
	ctx := browsertest.New(t)
	s.signIn(t, ctx, s.Manifest.Accounts.Coordinator)
	browsertest.Visit(t, ctx, s.URL+"/demandes/10/structures")
	fill(t, ctx, map[string]string{"#f-name": "Régie de quartier Alma-Gare", "#f-contact-name": "Sofia Haddad", "#f-contact-email": "sofia@regie.example.fr"})
	submitAndWait(t, ctx, `form[action$="/structures"] button[type=submit]`, ".flash-success")
	fill(t, ctx, map[string]string{"#f-name": "Collège Anne-Frank", "#f-contact-email": "college@af.example.fr"})
	submitAndWait(t, ctx, `form[action$="/structures"] button[type=submit]`, ".flash-success")
	for _, w := range []int64{360, 1280} {
		for _, p := range []string{"/demandes/10/structures", "/demandes/10", "/tableau-de-bord"} {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 800), chromedp.Navigate(s.URL+p), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
				t.Fatal(err)
			}
			buf, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS("main")))
			if err != nil {
				t.Fatal(err)
			}
			name := map[string]string{"/demandes/10/structures": "partners", "/demandes/10": "request", "/tableau-de-bord": "dash"}[p]
			os.WriteFile("/tmp/shot-"+name+"-"+map[int64]string{360: "360", 1280: "1280"}[w]+".png", buf, 0o644)
		}
	}
}
