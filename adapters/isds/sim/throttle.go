package sim

import "sync"

// monitored are the operations ISDS meters per account and box: downloads,
// delivery infos, marking, lists.
var monitored = map[string]bool{
	"MessageDownload": true, "SignedMessageDownload": true, "SignedSentMessageDownload": true,
	"GetDeliveryInfo": true, "GetSignedDeliveryInfo": true, "MarkMessageAsDownloaded": true,
	"GetListOfReceivedMessages": true, "GetListOfSentMessages": true,
}

// limiter enforces the two concurrency rules: in restricted (throttled)
// mode an account runs one monitored request at a time (else 3009), and a
// box runs at most max monitored requests at once (else 3008).
type limiter struct {
	mu      sync.Mutex
	account map[string]int
	box     map[string]int
	max     int
}

func newLimiter(max int) *limiter {
	return &limiter{account: map[string]int{}, box: map[string]int{}, max: max}
}

// enter admits a request or returns the refusing status code.
func (l *limiter) enter(lg *login, op string) (release func(), code string) {
	if !monitored[op] {
		return func() {}, ""
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if lg.throttled && l.account[lg.account] > 0 {
		return nil, codeThrottled
	}
	if l.max > 0 && l.box[lg.box.ID] >= l.max {
		return nil, codeParallel
	}
	l.account[lg.account]++
	l.box[lg.box.ID]++
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.account[lg.account]--; l.account[lg.account] == 0 {
			delete(l.account, lg.account)
		}
		if l.box[lg.box.ID]--; l.box[lg.box.ID] == 0 {
			delete(l.box, lg.box.ID)
		}
	}, ""
}
