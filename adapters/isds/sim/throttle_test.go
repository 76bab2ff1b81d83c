package sim

import (
	"sync"
	"testing"
)

// TestThrottledAccount: in restricted mode an account runs one monitored
// request at a time (3009); other accounts go on; the per-box bound gives
// 3008.
func TestThrottledAccount(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	f := newSim(t, func(o *Options) {
		accts := SeedAccounts()
		for i := range accts {
			if accts[i].Username == BoxDemoOVM+".spravce" {
				accts[i].Throttled = true
			}
		}
		o.Accounts = accts
		o.MaxParallel = 2
		o.OnRequest = func(op string) {
			if op != "GetListOfSentMessages" {
				return
			}
			once.Do(func() {
				close(entered)
				<-release
			})
		}
	})
	done := make(chan reply)
	go func() { done <- f.call(BoxDemoOVM+".spravce", "dx", "GetListOfSentMessages", sentListXML("-1")) }()
	<-entered
	// The same throttled account, a monitored operation: refused.
	f.call(BoxDemoOVM+".spravce", "dx", "GetListOfReceivedMessages", listXML("-1")).want(t, codeThrottled)
	// Not monitored: served.
	f.call(BoxDemoOVM+".spravce", "dz", "DummyOperation", "").want(t, codeOK)
	// Another account of the box, while one runs: served (bound 2).
	f.call(BoxDemoOVM+".prehled", "dx", "GetListOfReceivedMessages", listXML("-1")).want(t, codeOK)
	close(release)
	(<-done).want(t, codeOK)
	f.call(BoxDemoOVM+".spravce", "dx", "GetListOfReceivedMessages", listXML("-1")).want(t, codeOK)
}

func TestParallelLimit(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	f := newSim(t, func(o *Options) {
		o.MaxParallel = 1
		o.OnRequest = func(op string) {
			if op == "GetListOfSentMessages" {
				once.Do(func() { close(entered); <-release })
			}
		}
	})
	done := make(chan reply)
	go func() { done <- f.call(BoxDemoOVM+".spravce", "dx", "GetListOfSentMessages", sentListXML("-1")) }()
	<-entered
	f.call(BoxDemoOVM+".prehled", "dx", "GetListOfReceivedMessages", listXML("-1")).want(t, codeParallel)
	f.call(BoxRegion+".spravce", "dx", "GetListOfReceivedMessages", listXML("-1")).want(t, codeOK) // another box
	close(release)
	(<-done).want(t, codeOK)
}
