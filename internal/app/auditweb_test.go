package app

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

// TestAuditorUIMounted: the auditor's API is served on the bus listener; an
// auditor certificate gets the chain status, an AIS certificate is refused.
func TestAuditorUIMounted(t *testing.T) {
	in := startInstance(t, nil)
	in.post("999002", "/bus/iszr/E256", "IszrRosCtiIco2", sampleE256())
	get := func(client string) (int, []byte) {
		resp, err := in.client(client).Get("https://" + in.bus + "/audit/api/verify")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	code, body := get("auditor")
	var st struct {
		OK      bool  `json:"ok"`
		Entries int64 `json:"entries"`
	}
	if code != http.StatusOK || json.Unmarshal(body, &st) != nil || !st.OK || st.Entries < 1 {
		t.Fatalf("auditor: %d %s", code, body)
	}
	if code, body := get("999002"); code != http.StatusForbidden {
		t.Fatalf("an AIS certificate got %d %s", code, body)
	}
}
