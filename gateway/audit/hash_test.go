package audit

import (
	"reflect"
	"testing"
	"time"

	"konektor/internal/store"
)

// The expected values were computed independently of this package, with
// Python's hashlib over the message written out by hand from the package
// doc's rules.
func TestHashKnownAnswer(t *testing.T) {
	t.Parallel()
	first := store.AccessEntry{
		Seq: 1, Time: time.Date(2025, 3, 14, 10, 26, 53, 589793999, time.FixedZone("CET", 3600)),
		CorrelationID: "c-1", Upstream: "iszr", Service: "E03", AIS: "1234", OVM: "00064581",
		Agenda: "A121", Role: "CR1234", User: "jnovak", Purpose: "ověření", Subject: "s",
		Outcome: "ok", UpstreamStatus: "OK", LatencyMicros: 1500, RequestSHA256: "aa",
		ResponseSHA256: "bb", Sealed: true, Hash: "ignored",
	}
	const message = "18:konektor-access-v1,3:seq,1:1,4:time,27:2025-03-14T09:26:53.589793Z," +
		"14:correlation_id,3:c-1,8:upstream,4:iszr,7:service,3:E03,3:ais,4:1234,3:ovm,8:00064581," +
		"6:agenda,4:A121,4:role,6:CR1234,4:user,6:jnovak,7:purpose,10:ověření,7:subject,1:s," +
		"7:outcome,2:ok,15:upstream_status,2:OK,6:reason,0:,14:latency_micros,4:1500," +
		"14:request_sha256,2:aa,15:response_sha256,2:bb,6:sealed,4:true,8:evidence,0:,9:prev_hash,0:,"
	if got := string(Canonical(first)); got != message {
		t.Fatalf("Canonical =\n%s\nwant\n%s", got, message)
	}
	const want1 = "42a93082d41e7579056a7073a329576f0846744acb36ba75c8eace1ae338e152"
	if got := Hash(first); got != want1 {
		t.Fatalf("Hash(first) = %s, want %s", got, want1)
	}
	second := first
	second.Seq, second.PrevHash = 2, want1
	second.Time = time.Date(2025, 3, 14, 9, 26, 53, 600000000, time.UTC)
	if got, want := Hash(second), "9663a48e0a961b45cbf8771bda8a477940d83842f5a996a6d28d66a97da31fcc"; got != want {
		t.Fatalf("Hash(second) = %s, want %s", got, want)
	}
}

// Every field of AccessEntry but Hash must be hashed: a new field added to
// the struct and forgotten here fails this test.
func TestHashCoversEveryField(t *testing.T) {
	t.Parallel()
	base := exchange(3)
	base.Seq, base.PrevHash = 7, "prev"
	h := Hash(base)
	typ := reflect.TypeOf(base)
	if got, want := len(fields), typ.NumField()-1; got != want {
		t.Fatalf("fields lists %d fields, AccessEntry has %d besides Hash", got, want)
	}
	for i := range typ.NumField() {
		name := typ.Field(i).Name
		t.Run(name, func(t *testing.T) {
			e := base
			v := reflect.ValueOf(&e).Elem().Field(i)
			switch v.Kind() {
			case reflect.String:
				v.SetString(v.String() + "x")
			case reflect.Int64:
				v.SetInt(v.Int() + 1)
			case reflect.Bool:
				v.SetBool(!v.Bool())
			case reflect.Struct: // time.Time
				v.Set(reflect.ValueOf(e.Time.Add(time.Microsecond)))
			default:
				t.Fatalf("field %s of kind %s is not covered by this test", name, v.Kind())
			}
			changed := Hash(e) != h
			if name == "Hash" && changed {
				t.Fatal("changing Hash changed the hash")
			}
			if name != "Hash" && !changed {
				t.Fatalf("changing %s did not change the hash", name)
			}
		})
	}
}

func TestHashIsUnambiguous(t *testing.T) {
	t.Parallel()
	with := func(f func(*store.AccessEntry)) store.AccessEntry { e := exchange(1); f(&e); return e }
	for _, c := range []struct {
		name string
		a, b store.AccessEntry
	}{
		{"boundary-moved-between-fields",
			with(func(e *store.AccessEntry) { e.User, e.Purpose = "ab", "c" }),
			with(func(e *store.AccessEntry) { e.User, e.Purpose = "a", "bc" })},
		{"value-moved-to-empty-neighbour",
			with(func(e *store.AccessEntry) { e.Reason, e.Evidence = "x", "" }),
			with(func(e *store.AccessEntry) { e.Reason, e.Evidence = "", "x" })},
		{"netstring-lookalike-in-value",
			with(func(e *store.AccessEntry) { e.Role, e.User = "CR1,4:user,1:x", "" }),
			with(func(e *store.AccessEntry) { e.Role, e.User = "CR1", "x" })},
		{"sealed-versus-text",
			with(func(e *store.AccessEntry) { e.Sealed = true }),
			with(func(e *store.AccessEntry) { e.Sealed = false; e.Evidence = "true" })},
	} {
		t.Run(c.name, func(t *testing.T) {
			if Hash(c.a) == Hash(c.b) {
				t.Fatalf("two different entries hash alike:\n%s\n%s", Canonical(c.a), Canonical(c.b))
			}
		})
	}
}

func TestHashTimeIsUTCMicroseconds(t *testing.T) {
	t.Parallel()
	utc := exchange(1)
	utc.Time = time.Date(2025, 10, 26, 1, 30, 0, 123456000, time.UTC)
	for _, c := range []struct {
		name string
		tm   time.Time
		same bool
	}{
		{"same-instant-other-zone", utc.Time.In(time.FixedZone("CEST", 7200)), true},
		{"below-a-microsecond", utc.Time.Add(999 * time.Nanosecond), true},
		{"one-microsecond-later", utc.Time.Add(time.Microsecond), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := utc
			e.Time = c.tm
			if same := Hash(e) == Hash(utc); same != c.same {
				t.Fatalf("same hash = %v, want %v", same, c.same)
			}
		})
	}
}

func FuzzCanonicalIsInjective(f *testing.F) {
	f.Add("ab", "c", "a", "bc")
	f.Add("", "x", "x", "")
	f.Add("1:a,", "", "1", "a,")
	f.Add("ř", "", "\xc5", "\x99")
	f.Fuzz(func(t *testing.T, u1, p1, u2, p2 string) {
		a, b := exchange(1), exchange(1)
		a.User, a.Purpose = u1, p1
		b.User, b.Purpose = u2, p2
		if (u1 == u2 && p1 == p2) != (string(Canonical(a)) == string(Canonical(b))) {
			t.Fatalf("(%q, %q) and (%q, %q): equal inputs ⇔ equal messages violated", u1, p1, u2, p2)
		}
	})
}

// The hashed message and the export formats must agree field by field.
func TestCanonicalMatchesFields(t *testing.T) {
	t.Parallel()
	for _, e := range []store.AccessEntry{exchange(1), exchange(2), {}, {Seq: -5, LatencyMicros: -1, Sealed: true}} {
		want := appendItem(nil, HashVersion)
		for i := range fields {
			want = appendField(want, fields[i].name, fields[i].value(&e))
		}
		if got := Canonical(e); string(got) != string(want) {
			t.Fatalf("Canonical =\n%s\nfields table gives\n%s", got, want)
		}
	}
}
