package policies

import (
	"encoding/json"
	"runtime"
	"sync"
	"testing"

	"konektor/internal/cputime"
)

var national = sync.OnceValues(func() (*Snapshot, []Request) {
	s, reqs := genSnapshot(&testing.B{}, nationalScale, 42)
	runtime.GC() // the generator's garbage must not be collected during the timing
	return s, reqs
})

// BenchmarkDecide decides requests of the national-scale dataset (5
// requested items each, granted through the OVM's category). "permit" and
// "permit-into" cycle through 4 096 random requests, so the request and the
// policy memory they touch are mostly out of cache (worst case).
func BenchmarkDecide(b *testing.B) {
	s, reqs := national()
	b.Run("permit", func(b *testing.B) {
		b.ReportAllocs()
		cpu := cputime.Start()
		i := 0
		for b.Loop() {
			d := s.Decide(reqs[i%len(reqs)])
			if !d.Permit {
				b.Fatal(Explain(d, "en"))
			}
			i++
		}
		cpu.Report(b, i)
	})
	b.Run("permit-into", func(b *testing.B) {
		b.ReportAllocs()
		cpu := cputime.Start()
		var d Decision
		i := 0
		for b.Loop() {
			s.DecideInto(&reqs[i%len(reqs)], &d)
			if !d.Permit {
				b.Fatal(Explain(d, "en"))
			}
			i++
		}
		cpu.Report(b, i)
	})
	b.Run("permit-hot", func(b *testing.B) {
		// One request again and again: the request and the policy memory it
		// touches stay in cache (best case; "permit" above is the worst).
		r := reqs[0]
		b.ReportAllocs()
		cpu := cputime.Start()
		var d Decision
		i := 0
		for b.Loop() {
			s.DecideInto(&r, &d)
			if !d.Permit {
				b.Fatal(Explain(d, "en"))
			}
			i++
		}
		cpu.Report(b, i)
	})
	b.Run("permit-all-items", func(b *testing.B) {
		all := make([]Request, len(reqs))
		for i, r := range reqs {
			r.Items = nil
			all[i] = r
		}
		b.ReportAllocs()
		cpu := cputime.Start()
		var d Decision
		i := 0
		for b.Loop() {
			s.DecideInto(&all[i%len(all)], &d)
			if !d.Permit {
				b.Fatal(Explain(d, "en"))
			}
			i++
		}
		cpu.Report(b, i)
	})
	b.Run("deny-role-service", func(b *testing.B) {
		r := reqs[0]
		r.Service = "E99999"
		b.ReportAllocs()
		for b.Loop() {
			if d := s.Decide(r); d.Permit {
				b.Fatal("permitted")
			}
		}
	})
}

// BenchmarkPolicyMemory compiles the national-scale dataset and reports the
// heap the snapshot keeps (heap-MB) and the time to compile.
func BenchmarkPolicyMemory(b *testing.B) {
	m, _ := genModel(b, nationalScale, 42)
	var keep *Snapshot
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		s, err := Compile(m)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		keep = s
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "heap-MB")
	}
	st := keep.Stats()
	b.ReportMetric(float64(st.Registrations), "registrations")
	b.ReportMetric(float64(st.Pusobnost), "pusobnost")
	runtime.KeepAlive(keep)
}

// TestDecidePermitDoesNotAllocate guards the zero-allocation permit path.
func TestDecidePermitDoesNotAllocate(t *testing.T) {
	s, reqs := genSnapshot(t, smallScale, 7)
	r := reqs[0]
	if n := testing.AllocsPerRun(100, func() { _ = s.Decide(r) }); n != 0 {
		t.Errorf("Decide permit allocates %v times", n)
	}
	var d Decision
	all := r
	all.Items = nil
	s.DecideInto(&all, &d) // warm the buffers
	if n := testing.AllocsPerRun(100, func() { s.DecideInto(&all, &d) }); n != 0 {
		t.Errorf("DecideInto all-items permit allocates %v times", n)
	}
}

// BenchmarkImportPusobnost streams působnost records (the largest dataset,
// ~660 MB nationally) through the importer; MB/s is the import throughput.
func BenchmarkImportPusobnost(b *testing.B) {
	const records = 20_000
	rec := `{"type": "působnost", "id": "působnost/A1153/75092107", "registrace": {"agenda": "agenda/A1153", "ovm": "orgán-veřejné-moci/75092107", "datum": "2019-12-17"}, "činnosti": ["činnost/A1153/CR7947"], "služby": [{"služba": "služba/S1113", "pracoviště": ["pracoviště/60253"]}]}`
	size := (&repeatReader{head: `{"položky": [`, rec: rec, n: records, tail: `]}`}).size()
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		r := &repeatReader{head: `{"položky": [`, rec: rec, n: records, tail: `]}`}
		st := &importState{m: &Model{}, today: "2026-01-15", skip: func(string, ...any) {}}
		err := streamItems(b.Context(), r, MaxRPPRecord, func(int64) error { return nil },
			func(dec *json.Decoder) error { return readPusobnost(dec, st) })
		if err != nil || len(st.m.Pusobnost) != records {
			b.Fatal(err, len(st.m.Pusobnost))
		}
	}
}
