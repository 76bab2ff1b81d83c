package app

import (
	"context"
	"crypto"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"time"

	"go.uber.org/zap"

	"konektor/certs"
	"konektor/certs/tsa"
	"konektor/gateway/audit"
	"konektor/gateway/httpapi"
	"konektor/gateway/subject"
	"konektor/internal/config"
	"konektor/internal/store"
)

// auditParts are the pieces around the access log: checkpoints, their
// time stamps, the trust an auditor verifies with, and the body cipher.
type auditParts struct {
	Checkpointer *audit.Checkpointer
	Trust        audit.Trust
	Bodies       *audit.BodyCipher
	TSARoots     *x509.CertPool
}

// AuditTrust returns what checkpoints are verified against: the seal
// certificate (and earlier ones) and the TSA roots; with no tsa_url the
// dev CA, which issues the sandbox TSA.
func AuditTrust(c config.Config) (audit.Trust, *x509.CertPool, error) {
	seal, err := certs.LoadCertificates(c.Seal.Cert)
	if err != nil {
		return audit.Trust{}, nil, fmt.Errorf("seal: %w", err)
	}
	sealCerts := []*x509.Certificate{seal[0]}
	for _, f := range c.Audit.SealHistory {
		old, err := certs.LoadCertificates(f)
		if err != nil {
			return audit.Trust{}, nil, fmt.Errorf("audit.seal_history: %w", err)
		}
		sealCerts = append(sealCerts, old...)
	}
	rootFiles := c.Audit.TSARoots
	if c.Audit.TSAURL == "" {
		rootFiles = []string{certs.DevPKIPaths(c.PKIDir()).CA}
	}
	roots, err := certs.LoadPool(rootFiles...)
	if err != nil {
		return audit.Trust{}, nil, fmt.Errorf("audit.tsa_roots: %w", err)
	}
	return audit.Trust{SealCerts: sealCerts, TSARoots: roots, RequireTimeStamps: c.Audit.RequireTimeStamps}, roots, nil
}

// buildAudit makes the checkpointer (seal key, TSA) and the body cipher.
func buildAudit(c config.Config, st store.Store, now func() time.Time, log *zap.Logger) (*auditParts, error) {
	seal, err := certs.LoadKeyPair(c.Seal.Cert, c.Seal.Key)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	var stamp audit.Timestamper
	if c.Audit.TSAURL == "" {
		p := certs.DevPKIPaths(c.PKIDir())
		ca, err := certs.LoadKeyPair(p.CA, p.CAKey)
		if err != nil {
			return nil, fmt.Errorf("dev CA for the sandbox TSA: %w", err)
		}
		auth, err := tsa.NewSandbox(ca, tsa.Options{Now: now})
		if err != nil {
			return nil, fmt.Errorf("sandbox TSA: %w", err)
		}
		stamp = audit.TimestamperFunc(func(_ context.Context, d []byte) ([]byte, error) { return auth.Stamp(crypto.SHA256, d) })
	} else if stamp, err = audit.NewTSAClient(c.Audit.TSAURL, nil); err != nil {
		return nil, fmt.Errorf("audit.tsa_url: %w", err)
	}
	trust, roots, err := AuditTrust(c)
	if err != nil {
		return nil, err
	}
	cp, err := audit.NewCheckpointer(st, audit.CheckpointOptions{Every: int64(c.Audit.CheckpointEvery),
		Interval: c.Audit.CheckpointInterval.D(), Seal: seal, TSA: stamp, Now: now, Logger: log.Named("checkpoint")})
	if err != nil {
		return nil, err
	}
	p := &auditParts{Checkpointer: cp, Trust: trust, TSARoots: roots}
	if c.Audit.StoreBodies {
		k, err := audit.LoadOrCreateKey(c.Audit.BodyKeyFile, audit.BodyKeySize)
		if err != nil {
			return nil, fmt.Errorf("audit.body_key_file: %w", err)
		}
		if p.Bodies, err = audit.NewBodyCipher(k); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// auditWeb builds the auditor's pages and API, with the monitor that keeps
// the chain status current.
func auditWeb(ctx context.Context, c config.Config, st store.Store, rec *audit.Recorder, p *auditParts, now func() time.Time, log *zap.Logger) (*httpapiAudit, error) {
	mon := audit.NewMonitor(st, p.Trust, now)
	go audit.RunMonitor(ctx, mon, audit.MonitorOptions{CheckEvery: c.Audit.VerifyEvery.D(), FullEvery: c.Audit.VerifyFullEvery.D(), Logger: log.Named("verify")})
	go audit.RunRetention(ctx, st, audit.RetentionOptions{Period: c.Audit.Retention.D(), Every: c.Audit.RetentionCheck.D(), Now: now, Logger: log.Named("retention")})
	subjects, err := subjectHasher(c)
	if err != nil {
		return nil, err
	}
	var sessionKey []byte
	if c.Audit.SessionKeyFile != "" {
		if sessionKey, err = os.ReadFile(c.Audit.SessionKeyFile); err != nil {
			return nil, fmt.Errorf("audit.session_key_file: %w", err)
		}
	}
	web, err := httpapi.NewAudit(httpapi.AuditOptions{Store: st, Status: mon, Recorder: rec, TSARoots: p.TSARoots,
		Subjects: subjects, Bodies: p.Bodies, Users: c.Audit.Users, SessionKey: sessionKey,
		SessionTTL: c.Audit.SessionTTL.D(), Now: now, Logger: log.Named("web")})
	if err != nil {
		return nil, err
	}
	return &httpapiAudit{Handler: web, Subjects: subjects}, nil
}

// subjectHasher loads (or, on first start, makes) the key data subjects are
// hashed with; the pipeline and the auditor's search share it.
func subjectHasher(c config.Config) (*subject.Hasher, error) {
	sk, err := audit.LoadOrCreateKey(c.Audit.SubjectKeyFile, subject.MinKeySize)
	if err != nil {
		return nil, fmt.Errorf("audit.subject_key_file: %w", err)
	}
	return subject.New(sk)
}

// httpapiAudit is the mounted auditor UI and the subject hasher the
// pipeline shares with it.
type httpapiAudit struct {
	Handler  http.Handler
	Subjects *subject.Hasher
}
