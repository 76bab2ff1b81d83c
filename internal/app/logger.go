package app

import (
	"fmt"
	"io"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"konektor/internal/config"
)

// NewLogger builds the process logger from the configuration. It is passed
// to every component; nothing uses zap's global logger.
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
	core := zapcore.NewCore(e, zapcore.Lock(zapcore.AddSync(w)), lvl)
	return zap.New(core), nil
}
