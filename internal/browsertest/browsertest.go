// Package browsertest drives Debian's Chromium, headless, through chromedp,
// and checks every page it visits with axe-core (WCAG 2.1 A and AA). The
// end-to-end tests of every issue use it.
package browsertest

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core 4.14.1 (MPL-2.0, testdata/AXE-LICENSE), vendored so
// the tests need no network.
//
//go:embed testdata/axe.min.js
var axeSource string

// chromiumPath finds the browser: $CHROMIUM, or Debian's chromium.
func chromiumPath() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("chromium not found: install Debian's chromium package (apt-get install -y chromium) or set $CHROMIUM")
}

// New starts a headless Chromium for the test and returns a browser tab
// context, closed at the end of the test. Without Chromium the test fails
// (it is not skipped): CI installs it. Only `go test -short` skips browser
// tests, for a developer in a hurry.
func New(t *testing.T) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped with -short")
	}
	path, err := chromiumPath()
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.Headless,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("lang", "fr-FR"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// violation is what axe reports for one broken rule.
type violation struct {
	ID          string `json:"id"`
	Impact      string `json:"impact"`
	Description string `json:"description"`
	Nodes       []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// CheckA11y runs axe-core on the current page and fails the test on any
// WCAG 2.0/2.1 level A or AA violation, listing each with its elements.
func CheckA11y(t *testing.T, ctx context.Context) {
	t.Helper()
	url, _ := chromedp.Run(ctx, chromedp.Location())
	vs, err := Violations(ctx)
	if err != nil {
		t.Fatalf("axe-core on %s: %v", url, err)
	}
	for _, v := range vs {
		t.Errorf("accessibility on %s: %s", url, v)
	}
}

// Violations runs axe-core on the current page and describes each WCAG 2.0
// or 2.1 level A/AA violation with the elements concerned.
func Violations(ctx context.Context) ([]string, error) {
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axeSource+";true")); err != nil {
		return nil, fmt.Errorf("inject: %w", err)
	}
	const run = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](run, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("run: %w", err)
	}
	var vs []violation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		return nil, fmt.Errorf("result: %w", err)
	}
	var out []string
	for _, v := range vs {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprintf("%v %s", n.Target, truncate(n.HTML, 160)))
		}
		out = append(out, fmt.Sprintf("axe %s (%s): %s\n    %s", v.ID, v.Impact, v.Description, strings.Join(where, "\n    ")))
	}
	return out, nil
}

// Visit opens url, waits for the page, and checks its accessibility.
func Visit(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	CheckA11y(t, ctx)
}

// Text returns the visible text of the first element matching sel.
func Text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
