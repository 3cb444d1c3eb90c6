package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"quartier/internal/browsertest"
	"quartier/models"
)

// cookieGet fetches path with the browser's cookies, as its download link
// would (chromedp does not save downloads in headless mode by default).
func cookieGet(t *testing.T, ctx context.Context, url string) (*http.Response, []byte) {
	t.Helper()
	got, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{url}})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range got.Cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

// TestReport_AdminReadsPrintsAndDownloads is issue 18's admin story: from
// the season page, the admin opens the current season's report
// (demo.json's report_path), sees the key figures compared with the
// previous season, the charts, the map and their tables, at 1280 and 360
// px with axe passing; prints it (print media: no navigation, no filters);
// and downloads the CSV and the XLSX through the page's own links, which
// open as a French spreadsheet and a workbook with one sheet per table.
func TestReport_AdminReadsPrintsAndDownloads(t *testing.T) {
	s := startSite(t)
	if s.Manifest.ReportPath == "" {
		t.Fatal("demo.json has no report_path")
	}
	ctx := browsertest.New(t)
	s.signIn(t, ctx, s.Manifest.Accounts.Admin)
	season := strings.TrimSuffix(s.Manifest.ReportPath, "/bilan")
	browsertest.Visit(t, ctx, s.URL+season)
	link := eval[string](t, ctx, `(document.querySelector("a[href$='/bilan']") || {}).getAttribute?.("href") || ""`)
	if link != s.Manifest.ReportPath {
		t.Fatalf("the season page links to %q, want the report %q", link, s.Manifest.ReportPath)
	}
	for _, w := range []int64{1280, 360} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900)); err != nil {
			t.Fatal(err)
		}
		browsertest.Visit(t, ctx, s.URL+s.Manifest.ReportPath)
		if h1 := browsertest.Text(t, ctx, "h1"); !strings.HasPrefix(h1, "Bilan de la saison") {
			t.Fatalf("h1 = %q", h1)
		}
		fitsWidth(t, ctx, "report", int(w))
		shot(t, ctx, fmt.Sprintf("report-%d.png", w))
	}
	// The comparison: the key figures' table has the previous season's
	// column, and the demo held sessions in both seasons.
	heads := eval[[]string](t, ctx, `[...document.querySelectorAll("#tableau-chiffres-cles thead th")].map(th => th.textContent)`)
	if len(heads) != 4 || heads[3] != "Évolution" {
		t.Errorf("key figures' columns = %q, want the previous season and the change", heads)
	}
	held := eval[[]string](t, ctx, `[...document.querySelectorAll("#tableau-chiffres-cles tbody tr")].find(r => r.querySelector("th").textContent === "Séances tenues")?.querySelectorAll("td") && [...[...document.querySelectorAll("#tableau-chiffres-cles tbody tr")].find(r => r.querySelector("th").textContent === "Séances tenues").querySelectorAll("td")].map(td => td.textContent) || []`)
	if len(held) < 2 || held[0] == "0" || held[1] == "0" {
		t.Errorf("sessions held this season and the previous one = %q: the demo should hold sessions in both", held)
	}
	// Charts and the map are inline SVG with a title, beside their tables.
	if n := eval[int](t, ctx, `document.querySelectorAll("svg[role=img] > title").length`); n < 4 {
		t.Errorf("%d charts with a title, want the comparison, the map and the participants' charts", n)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#tableau-departements tbody tr th").length`); n == 0 {
		t.Error("no département in the table beside the map")
	}

	// Printed: no navigation, no filters, the report's header.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	for sel, want := range map[string]string{".site-header": "none", ".report-tools": "none", ".report-header": "block"} {
		if got := eval[string](t, ctx, `getComputedStyle(document.querySelector("`+sel+`")).display`); got != want {
			t.Errorf("printed, %s display = %q, want %q", sel, got, want)
		}
	}
	shot(t, ctx, "report-print.png")

	csvLink := s.URL + eval[string](t, ctx, `document.querySelector("a[href*='bilan.csv']").getAttribute("href")`)
	res, body := cookieGet(t, ctx, csvLink)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if !strings.HasPrefix(string(body), "\ufeffBilan de la saison") || !strings.Contains(string(body), "Séances tenues;") {
		t.Errorf("CSV starts %.120q", body)
	}
	xlsxLink := s.URL + eval[string](t, ctx, `document.querySelector("a[href*='bilan.xlsx']").getAttribute("href")`)
	res, body = cookieGet(t, ctx, xlsxLink)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), ".xlsx") {
		t.Fatalf("XLSX: %d %s", res.StatusCode, res.Header.Get("Content-Disposition"))
	}
	x, err := excelize.OpenReader(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	defer x.Close()
	if sheets := x.GetSheetList(); len(sheets) < 8 || sheets[0] != "Chiffres clés" {
		t.Errorf("sheets = %q", sheets)
	}
}

// TestReport_CoordinatorSeesOnlyTheirCLSM: the demo coordinator opens
// their report from the dashboard, at 360 px with axe passing; it names
// their CLSM only; asking for another CLSM's report by its id is a 404.
func TestReport_CoordinatorSeesOnlyTheirCLSM(t *testing.T) {
	s := startSite(t)
	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 800)); err != nil {
		t.Fatal(err)
	}
	s.signIn(t, ctx, s.Manifest.Accounts.Coordinator)
	browsertest.Visit(t, ctx, s.URL+"/tableau-de-bord")
	link := eval[string](t, ctx, `(document.querySelector("a[href^='/bilan']") || {}).getAttribute?.("href") || ""`)
	if link != "/bilan" {
		t.Fatalf("the coordinator's dashboard links to %q, want /bilan", link)
	}
	browsertest.Visit(t, ctx, s.URL+link)
	fitsWidth(t, ctx, "coordinator's report", 360)
	shot(t, ctx, "report-coordinator-360.png")
	var own, other string
	for _, p := range s.Manifest.People {
		if p.Email == s.Manifest.Accounts.Coordinator {
			own = p.CLSM
		} else if p.CLSM != "" && other == "" {
			other = p.CLSM
		}
	}
	scope := browsertest.Text(t, ctx, ".report-scope strong")
	if own == "" || !strings.Contains(scope, own) || (other != "" && strings.Contains(scope, other)) {
		t.Errorf("report scope %q: want %q only (not %q)", scope, own, other)
	}
	// Another CLSM's report, by its id in the query: the page and the
	// exports answer 404, as for a CLSM that does not exist.
	all, err := s.App.Store.ListCLSMs(context.Background(), models.CLSMFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var otherID int64
	for _, c := range all {
		if c.Name != own {
			otherID = c.ID
			break
		}
	}
	if otherID == 0 {
		t.Fatal("the demo has a single CLSM")
	}
	browsertest.Visit(t, ctx, fmt.Sprintf("%s/bilan?clsm=%d", s.URL, otherID))
	if h1 := browsertest.Text(t, ctx, "h1"); h1 != "Page introuvable" {
		t.Errorf("another CLSM's report: h1 %q", h1)
	}
	for _, ext := range []string{"csv", "xlsx"} {
		if res, _ := cookieGet(t, ctx, fmt.Sprintf("%s/bilan.%s?clsm=%d", s.URL, ext, otherID)); res.StatusCode != http.StatusNotFound {
			t.Errorf("another CLSM's %s: %d", ext, res.StatusCode)
		}
	}
}
