package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"go.uber.org/zap"

	"konektor/gateway/fault"
	"konektor/gateway/soap"
	"konektor/internal/store"
)

// Record appends every exchange, accepted or refused, to the access log
// and lets the answer leave only once the entry is durable. If the log
// cannot be written the caller gets a fault instead of an unlogged answer.
func Record(d Deps) Middleware {
	rec, now, log, subjects := d.Recorder, d.Now, d.Logger, d.Subjects
	bodies, _ := d.Recorder.(BodyRecorder)
	return func(next Handler) Handler {
		return func(ctx context.Context, ex *Exchange) (*Reply, error) {
			r, err := next(ctx, ex)
			if err != nil {
				return nil, err // only reachable if Render is missing from the stack
			}
			e := entry(ex, r, now().Sub(ex.Received))
			if subjects != nil && ex.Call.SubjectID != "" {
				if h, err := subjects.Hash(ex.Call.SubjectKind, ex.Call.SubjectID); err == nil {
					e.Subject = h
				}
			}
			// The exchange is recorded even if the caller has gone away;
			// the bodies are kept (encrypted) where that is configured.
			if bodies != nil {
				_, err = bodies.RecordBodies(context.WithoutCancel(ctx), e, ex.Body, r.Body)
			} else {
				_, err = rec.Record(context.WithoutCancel(ctx), e)
			}
			if err != nil {
				log.Error("access log append failed", zap.String("correlation_id", ex.ID), zap.Error(err))
				f, status := fault.SOAP(fault.Wrap(fault.Unavailable, "audit-unavailable",
					"přístupový záznam nelze uložit, odpověď nelze vydat",
					"the access log cannot be written, so no answer can be released", err), ex.ID)
				return &Reply{Status: status, ContentType: soap.ContentType(ex.Version),
					Body: soap.WriteFault(ex.Version, f), Outcome: OutcomeFault, Reason: f.Code}, nil
			}
			return r, nil
		}
	}
}

func entry(ex *Exchange, r *Reply, latency time.Duration) store.AccessEntry {
	e := store.AccessEntry{
		Time:           ex.Received.UTC(),
		CorrelationID:  ex.ID,
		Upstream:       ex.Upstream,
		Service:        ex.Code,
		OVM:            ex.Call.OVM,
		Agenda:         ex.Call.Agenda,
		Role:           ex.Call.Role,
		User:           ex.Call.User,
		Purpose:        ex.Call.Purpose,
		Outcome:        r.Outcome,
		UpstreamStatus: r.UpstreamStatus,
		Reason:         r.Reason,
		LatencyMicros:  latency.Microseconds(),
		RequestSHA256:  sum(ex.Body),
		ResponseSHA256: sum(r.Body),
		Sealed:         r.Sealed,
	}
	if ex.Signature != nil {
		e.Evidence = "request signed by " + ex.Signature.Signer + ", signature " + ex.Signature.SignatureID
	}
	if r.Evidence != "" {
		if e.Evidence != "" {
			e.Evidence += "; "
		}
		e.Evidence += r.Evidence
	}
	if ex.Entry != nil {
		e.Service = ex.Entry.Name()
	}
	if ex.Client != nil {
		e.AIS = ex.Client.AIS
	} else if ex.PeerCert != nil {
		e.AIS = "?" + ex.PeerCert.Subject.CommonName
	}
	if e.Outcome == "" {
		e.Outcome = OutcomeOK
	}
	return e
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
