package httpapi

import (
	"context"
	"crypto/tls"
	"encoding/csv"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// chromiumPath is where CI installs Chromium (.ci/run).
const chromiumPath = "/usr/bin/chromium"

// An auditor signs in with a password in headless Chromium, searches,
// opens an entry and exports the filter as CSV (issue 6 §4).
func TestAuditInBrowser(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("%s is not installed: %v", chromiumPath, err)
	}
	env := newAuditEnv(t, nil)
	// Headless Chromium waits for a certificate choice nobody makes when a
	// server asks for a client certificate: serve this auditor, who signs
	// in with a password, from a listener that does not ask.
	env.srv.Close()
	env.srv = httptest.NewUnstartedServer(env.srv.Config.Handler)
	env.srv.TLS = env.tlsConfig(t, tls.NoClientCert)
	env.srv.StartTLS()
	t.Cleanup(env.srv.Close)
	downloads := t.TempDir()
	alloc, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("ignore-certificate-errors", true), // the test server's dev CA is not in Chromium's store
		chromedp.UserDataDir(t.TempDir()),
	)
	defer cancel()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	done := make(chan string, 1)
	err := chromedp.ListenBrowser(ctx, func(ev any) {
		if e, ok := ev.(*browser.EventDownloadProgress); ok && e.State == browser.DownloadProgressStateCompleted {
			select {
			case done <- e.GUID:
			default:
			}
		}
	})
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	enabled := true
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: &enabled}); err != nil {
		t.Fatalf("browser: download behaviour: %v", err)
	}
	// The page is driven through JavaScript the way a user's clicks and
	// typing would drive it: chromedp's DOM queries lose track of nodes
	// across the redirects of a sign-in.
	js := func(name, expr string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](expr)); err != nil {
			t.Fatalf("browser: %s: %v", name, err)
		}
	}
	waitFor := func(name, cond string) {
		t.Helper()
		// A navigation destroys the page the predicate runs in: poll
		// again in the new page.
		var err error
		for range 20 {
			pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
			_, err = chromedp.Run(pctx, chromedp.Poll[bool](`document.readyState === "complete" && (`+cond+`)`, chromedp.WithPollingInterval(50*time.Millisecond)))
			cancel()
			if err == nil {
				return
			}
			if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
				break
			}
		}
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
		t.Fatalf("browser: waiting for %s: %v (at %s: %.400s)", name, err, loc, body)
	}
	text := func(name, expr string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("browser: %s: %v", name, err)
		}
		return v
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(env.srv.URL+"/audit/")); err != nil {
		t.Fatalf("browser: open: %v", err)
	}
	waitFor("the login form", `document.getElementById("username") !== null`)
	heading := text("login heading", `document.getElementById("login-heading").textContent`)
	js("log in", `document.getElementById("username").value = "novakova";
		document.getElementById("password").value = "tajné heslo";
		document.getElementById("login-submit").click()`)
	waitFor("the search page", `document.getElementById("search") !== null`)
	status := text("chain status", `document.getElementById("chain-status").textContent`)
	js("search", `document.getElementById("f-ais").value = "5678";
		document.getElementById("f-outcome").value = "denied";
		document.getElementById("search-submit").click()`)
	// The search page before the search may already list entries: wait for
	// the page of this search (its export link carries the filter).
	waitFor("the results", `document.getElementById("entries") !== null && document.getElementById("export-csv") !== null && document.getElementById("export-csv").getAttribute("href").includes("ais=5678")`)
	results, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatalf("browser: location: %v", err)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#entries tbody tr").length`))
	if err != nil {
		t.Fatalf("browser: rows: %v", err)
	}
	exportHref := text("export link", `document.getElementById("export-csv").getAttribute("href")`)
	js("open an entry", `document.getElementById("entry-120").click()`)
	waitFor("the entry", `document.getElementById("entry") !== null`)
	entryHeading := text("entry heading", `document.getElementById("entry-heading").textContent`)
	if err := chromedp.Do(ctx, chromedp.Navigate(results)); err != nil {
		t.Fatalf("browser: back to the results: %v", err)
	}
	waitFor("the results again", `document.getElementById("export-csv") !== null`)
	js("export", `document.getElementById("export-csv").click()`)
	if !strings.Contains(heading, "Přihlášení") {
		t.Errorf("login heading %q is not Czech", heading)
	}
	if !strings.Contains(status, "neporušen") && !strings.Contains(status, "ověřuje") {
		t.Errorf("chain status %q", status)
	}
	// Seeded entries i = 9, 19, … 119 (seq 10, 20, … 120) are denied; i is
	// odd, so all twelve belong to AIS 5678.
	if rows != 12 {
		t.Errorf("search shows %d rows, want the 12 denied entries of AIS 5678", rows)
	}
	if !strings.Contains(exportHref, "ais=5678") || !strings.Contains(exportHref, "outcome=denied") {
		t.Errorf("export link %q does not carry the filter", exportHref)
	}
	if !strings.Contains(entryHeading, "Záznam č. 120") {
		t.Errorf("entry heading %q, want the newest denied entry 120", entryHeading)
	}
	var guid string
	select {
	case guid = <-done:
	case <-ctx.Done():
		t.Fatal("the CSV download did not complete")
	}
	f, err := os.Open(filepath.Join(downloads, guid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 13 {
		t.Fatalf("the export has %d rows, want a header and 12 entries", len(records))
	}
	for _, r := range records[1:] {
		if r[5] != "5678" || r[12] != "denied" {
			t.Fatalf("exported row %v is outside the filter", r)
		}
	}
	// The browser session's search, entry view and export are in the log.
	actions := map[string]int{}
	for _, e := range env.trailEntries(t) {
		if e.User == "novakova" {
			actions[e.Service]++
		}
	}
	for _, a := range []string{ActionLogin, ActionSearch, ActionEntry, ActionExport} {
		if actions[a] == 0 {
			t.Errorf("no %s by novakova in the access log (%v)", a, actions)
		}
	}
}
