package cuzk

import (
	"context"
	"errors"
	"strings"

	"go.uber.org/zap"

	"konektor/gateway/fault"
)

// Results of a report check, for metrics and the access log.
const (
	ReportValid        = "valid"
	ReportInvalid      = "invalid"
	ReportUnsigned     = "unsigned"
	ReportUnverifiable = "unverifiable"
)

// checkReports verifies the signature of every XML report an answer
// carries and returns the evidence for the access log (Reply.Evidence),
// e.g. "xml report 27033090011: signature valid, signer CN=…, signature
// 3f2a…".
// It refuses to relay a report whose signature fails, one that claims a
// seal (elZnacka a) but carries none, and, unless allowed, one konektor
// cannot check. PDF and HTML outputs are not checked (PAdES is out of
// scope) and are recorded as such.
func (u *Upstream) checkReports(ctx context.Context, ans answer) (string, error) {
	var ev []string
	for _, r := range ans.reports {
		if !r.hasFile {
			continue
		}
		if r.format != "xml" {
			ev = append(ev, r.format+" report "+r.id+": signature not checked")
			continue
		}
		if u.reports == nil {
			u.observeReport(ReportUnverifiable)
			return "", refuseReport(r.id, "konektor nemá nastaveno ověřování podpisu sestav", "no report signature verification is configured", nil)
		}
		res, err := u.reports.VerifyReport(ctx, r.file)
		switch {
		case err == nil:
			u.observeReport(ReportValid)
			id := res.SignatureID
			if len(id) > 16 {
				id = id[:16]
			}
			ev = append(ev, "xml report "+r.id+": signature valid, signer "+res.Signer+", signature "+id)
		case errors.Is(err, ErrReportUnsigned):
			u.observeReport(ReportUnsigned)
			if r.elZnacka == "a" {
				return "", refuseReport(r.id, "sestava se hlásí k elektronické značce, ale žádný podpis nenese",
					"the report claims an electronic seal but carries no signature", err)
			}
			ev = append(ev, "xml report "+r.id+": unsigned (elZnacka "+r.elZnacka+")")
		case errors.Is(err, ErrReportUnverifiable):
			u.observeReport(ReportUnverifiable)
			if !u.allowUnv {
				return "", refuseReport(r.id, "podpis sestavy nelze konektorem ověřit", "konektor cannot check the report's signature", err)
			}
			ev = append(ev, "xml report "+r.id+": signature NOT verified (format unsupported by konektor)")
		default:
			u.observeReport(ReportInvalid)
			u.log.Warn("cuzk report signature invalid", zap.String("report", r.id), zap.Error(err))
			return "", refuseReport(r.id, "podpis sestavy je neplatný", "the report's signature is invalid", err)
		}
	}
	return strings.Join(ev, "; "), nil
}

func refuseReport(id, cs, en string, cause error) error {
	return fault.Wrap(fault.BadGateway, "cuzk-report-signature",
		"sestavu "+id+" konektor nepředá: "+cs, "konektor does not relay report "+id+": "+en, cause)
}

func (u *Upstream) observeReport(result string) {
	if u.metrics != nil {
		u.metrics.ReportChecked(result)
	}
}
