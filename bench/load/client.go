package load

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// target is where every worker sends its calls, parsed once.
type target struct {
	addr   string      // host:port to dial
	tls    *tls.Config // nil for http://
	prefix []byte      // request line, Host and the fixed headers
}

func newTarget(rawURL string, header http.Header, tc *tls.Config) (*target, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("load: URL: %w", err)
	}
	t := &target{addr: u.Host}
	switch u.Scheme {
	case "https":
		if u.Port() == "" {
			t.addr = net.JoinHostPort(u.Hostname(), "443")
		}
		if tc == nil {
			tc = &tls.Config{}
		}
		t.tls = tc
	case "http":
		if u.Port() == "" {
			t.addr = net.JoinHostPort(u.Hostname(), "80")
		}
	default:
		return nil, fmt.Errorf("load: URL scheme %q is not http or https", u.Scheme)
	}
	var b strings.Builder
	b.WriteString("POST " + u.RequestURI() + " HTTP/1.1\r\nHost: " + u.Host + "\r\n")
	keys := make([]string, 0, len(header))
	for k := range header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range header[k] {
			if strings.ContainsAny(k+v, "\r\n") {
				return nil, fmt.Errorf("load: header %q holds a line break", k)
			}
			b.WriteString(k + ": " + v + "\r\n")
		}
	}
	b.WriteString("Content-Length: ")
	t.prefix = []byte(b.String())
	return t, nil
}

// client is one worker's kept-alive HTTP/1.1 connection. It writes each
// request with one write and reads the answer with one buffered reader,
// with none of http.Transport's per-connection goroutines and per-call
// hand-offs: the load generator shares the cores with what it measures,
// so the less CPU it takes per call, the less it distorts the comparison.
// A connection that fails or that the server closes is dialled again on
// the next call.
type client struct {
	t       *target
	tls     *tls.Config // this worker's clone
	timeout time.Duration

	conn net.Conn
	br   *bufio.Reader
	stop func() bool // unregisters the cancel hook of conn
	wbuf []byte
	rbuf []byte
}

func newClient(t *target, timeout time.Duration) *client {
	c := &client{t: t, timeout: timeout}
	if t.tls != nil {
		c.tls = t.tls.Clone()
		if c.tls.ServerName == "" {
			host, _, _ := net.SplitHostPort(t.addr)
			c.tls.ServerName = host
		}
	}
	return c
}

// close drops the connection.
func (c *client) close() {
	if c.conn == nil {
		return
	}
	c.stop()
	_ = c.conn.Close()
	c.conn, c.br, c.stop = nil, nil, nil
}

func (c *client) dial(ctx context.Context) error {
	d := net.Dialer{Timeout: c.timeout}
	conn, err := d.DialContext(ctx, "tcp", c.t.addr)
	if err != nil {
		return err
	}
	if c.tls != nil {
		tc := tls.Client(conn, c.tls)
		hctx, cancel := context.WithTimeout(ctx, c.timeout)
		err := tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			_ = conn.Close()
			return fmt.Errorf("TLS handshake: %w", err)
		}
		conn = tc
	}
	c.conn = conn
	if c.br == nil {
		c.br = bufio.NewReaderSize(conn, 16<<10)
	} else {
		c.br.Reset(conn)
	}
	// The run's end unblocks a call in flight.
	c.stop = context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	return nil
}

// do sends body and returns the answer's status, header and body; the
// body is valid until the next call.
func (c *client) do(ctx context.Context, body []byte) (int, http.Header, []byte, error) {
	if c.conn == nil {
		if err := c.dial(ctx); err != nil {
			return 0, nil, nil, err
		}
	}
	status, h, b, err := c.roundTrip(ctx, body)
	if err != nil {
		c.close()
	}
	return status, h, b, err
}

func (c *client) roundTrip(ctx context.Context, body []byte) (int, http.Header, []byte, error) {
	if err := c.conn.SetDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return 0, nil, nil, err // the cancel hook may have run before the deadline was set
	}
	w := append(c.wbuf[:0], c.t.prefix...)
	w = strconv.AppendInt(w, int64(len(body)), 10)
	w = append(w, "\r\n\r\n"...)
	w = append(w, body...)
	c.wbuf = w
	if _, err := c.conn.Write(w); err != nil {
		return 0, nil, nil, err
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		return 0, nil, nil, err
	}
	var got []byte
	if n := resp.ContentLength; n >= 0 && n <= 64<<20 {
		if int64(cap(c.rbuf)) < n {
			c.rbuf = make([]byte, n)
		}
		got = c.rbuf[:n]
		_, err = io.ReadFull(resp.Body, got)
	} else {
		got, err = io.ReadAll(resp.Body)
	}
	if err != nil {
		return 0, nil, nil, fmt.Errorf("reading the answer: %w", err)
	}
	if resp.Close {
		c.close() // the server ends the connection after this answer
	}
	return resp.StatusCode, resp.Header, got, nil
}

// errStatus is the default check's failure.
func errStatus(status int) error {
	return errors.New("HTTP " + strconv.Itoa(status))
}
