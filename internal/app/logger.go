package app

import (
	"fmt"
	"io"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"konektor/internal/config"
)

// logBufferBytes is the buffer of a logger with config.Log.Flush set: a
// full buffer is written before the interval ends.
const logBufferBytes = 256 << 10

// NewLogger builds the process logger from the configuration. It is passed
// to every component; nothing uses zap's global logger.
//
// With c.Flush set, debug and info lines (one per exchange) are written in
// batches, at most c.Flush after they were logged; a warning or error
// writes itself and everything before it at once. Call the logger's Sync
// before the process ends.
func NewLogger(c config.Log, w io.Writer) (*zap.Logger, error) {
	var lvl zapcore.Level
	if err := lvl.UnmarshalText([]byte(c.Level)); err != nil {
		return nil, fmt.Errorf("log.level: %w", err)
	}
	enc := zap.NewProductionEncoderConfig()
	enc.TimeKey = "time"
	enc.EncodeTime = zapcore.ISO8601TimeEncoder
	var e zapcore.Encoder
	if c.Format == "console" {
		e = zapcore.NewConsoleEncoder(enc)
	} else {
		e = zapcore.NewJSONEncoder(enc)
	}
	if c.Flush <= 0 {
		return zap.New(zapcore.NewCore(e, zapcore.Lock(zapcore.AddSync(w)), lvl)), nil
	}
	buf := &zapcore.BufferedWriteSyncer{WS: writeOnly{w}, Size: logBufferBytes, FlushInterval: c.Flush.D()}
	return zap.New(urgentCore{zapcore.NewCore(e, buf, lvl), buf}), nil
}

// writeOnly is w whose Sync does nothing: syncing the buffer means writing
// it out, not fsyncing the file (which fails on a pipe or a terminal).
type writeOnly struct{ io.Writer }

func (writeOnly) Sync() error { return nil }

// urgentCore writes warnings and errors through the buffer at once, so an
// operator never waits for them (and a crash right after one loses
// nothing logged before it).
type urgentCore struct {
	zapcore.Core
	ws zapcore.WriteSyncer
}

func (c urgentCore) With(f []zapcore.Field) zapcore.Core { return urgentCore{c.Core.With(f), c.ws} }

func (c urgentCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.Enabled(e.Level) {
		return ce.AddCore(e, c)
	}
	return ce
}

func (c urgentCore) Write(e zapcore.Entry, f []zapcore.Field) error {
	err := c.Core.Write(e, f)
	if e.Level >= zapcore.WarnLevel {
		if serr := c.ws.Sync(); err == nil {
			err = serr
		}
	}
	return err
}
