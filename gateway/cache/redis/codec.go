package redis

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"konektor/gateway/cache"
)

// ErrCorrupt means a stored value could not be decoded as an entry.
var ErrCorrupt = errors.New("redis cache: corrupt entry")

// errUnknownVersion means a value was written by a different encoding
// version (for example by a newer konektor during a rolling upgrade); Get
// treats it as a miss.
var errUnknownVersion = errors.New("redis cache: unknown entry encoding version")

// codecVersion is the first byte of every encoded entry.
const codecVersion = 1

// encodeEntry appends the compact binary form of e to dst:
//
//	version byte (1)
//	varint   StoredAt as Unix nanoseconds
//	uvarint  FreshUntil - StoredAt in nanoseconds
//	uvarint  StaleUntil - FreshUntil in nanoseconds
//	uvarint  number of headers, then for each: uvarint length + name,
//	         uvarint length + value
//	the body, to the end of the value
func encodeEntry(dst []byte, e cache.Entry) []byte {
	dst = append(dst, codecVersion)
	dst = binary.AppendVarint(dst, e.StoredAt.UnixNano())
	dst = binary.AppendUvarint(dst, uint64(e.FreshUntil.Sub(e.StoredAt)))
	dst = binary.AppendUvarint(dst, uint64(e.StaleUntil.Sub(e.FreshUntil)))
	dst = binary.AppendUvarint(dst, uint64(len(e.Header)))
	for k, v := range e.Header {
		dst = binary.AppendUvarint(dst, uint64(len(k)))
		dst = append(dst, k...)
		dst = binary.AppendUvarint(dst, uint64(len(v)))
		dst = append(dst, v...)
	}
	return append(dst, e.Body...)
}

// encodedSize returns an upper bound of len(encodeEntry(nil, e)).
func encodedSize(e cache.Entry) int {
	return 1 + 3*binary.MaxVarintLen64 + binary.MaxVarintLen64 + len(e.Header)*2*binary.MaxVarintLen64 + cache.Size(e)
}

// decodeEntry parses b, which the caller no longer uses: the returned Body
// aliases b. It never panics and allocates no more than len(b) plus the
// header map.
func decodeEntry(b []byte) (cache.Entry, error) {
	var e cache.Entry
	if len(b) == 0 {
		return e, fmt.Errorf("%w: empty value", ErrCorrupt)
	}
	if b[0] != codecVersion {
		return e, fmt.Errorf("%w %d", errUnknownVersion, b[0])
	}
	d := decoder{b: b[1:]}
	stored := d.varint("stored-at")
	fresh := d.duration("fresh period")
	stale := d.duration("stale window")
	n := d.uvarint("header count")
	if d.err == nil && n > uint64(len(d.b)/2) { // each header takes at least two bytes
		d.err = fmt.Errorf("%w: header count %d exceeds the %d bytes left", ErrCorrupt, n, len(d.b))
	}
	if d.err == nil && n > 0 {
		e.Header = make(map[string]string, n)
		for i := uint64(0); i < n && d.err == nil; i++ {
			k := d.bytes("header name")
			v := d.bytes("header value")
			if d.err != nil {
				break
			}
			if _, dup := e.Header[string(k)]; dup {
				d.err = fmt.Errorf("%w: header %d repeats a name", ErrCorrupt, i)
				break
			}
			e.Header[string(k)] = string(v)
		}
	}
	if d.err != nil {
		return cache.Entry{}, d.err
	}
	e.Body = d.b
	e.StoredAt = time.Unix(0, stored).UTC()
	e.FreshUntil = e.StoredAt.Add(fresh)
	e.StaleUntil = e.FreshUntil.Add(stale)
	return e, nil
}

// decoder reads fields from b, recording the first error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) varint(field string) int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = fmt.Errorf("%w: bad %s", ErrCorrupt, field)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) uvarint(field string) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = fmt.Errorf("%w: bad %s", ErrCorrupt, field)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) duration(field string) time.Duration {
	v := d.uvarint(field)
	if d.err == nil && v > math.MaxInt64 {
		d.err = fmt.Errorf("%w: %s out of range", ErrCorrupt, field)
		return 0
	}
	return time.Duration(v)
}

func (d *decoder) bytes(field string) []byte {
	n := d.uvarint(field + " length")
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.err = fmt.Errorf("%w: %s length %d exceeds the %d bytes left", ErrCorrupt, field, n, len(d.b))
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}
