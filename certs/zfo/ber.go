package zfo

import (
	"bytes"
	"errors"
	"fmt"
)

// A ZFO is BER: indefinite lengths and constructed OCTET STRINGs (ISDS
// writes the XML in 1000-byte chunks). encoding/asn1 reads DER only, so
// this file reads BER itself: one TLV at a time, lazily, with the nesting
// depth bounded, in time linear in the input for any fixed depth. Pieces
// that must be DER (signed attributes, certificates, algorithm
// identifiers) are converted with toDER and handed to encoding/asn1 or
// crypto/x509.

// ASN.1 classes and the universal tags this package looks at.
const (
	classUniversal = 0
	classContext   = 2

	tagInteger     = 2
	tagOctetString = 4
	tagOID         = 6
	tagSequence    = 16
	tagSet         = 17
)

// maxDepth bounds how deeply constructed values may nest. A ZFO nests about
// twelve levels; certificates a few more.
const maxDepth = 40

// ErrBER marks input that is not valid BER.
var ErrBER = errors.New("zfo: invalid BER")

// tlv is one BER value.
type tlv struct {
	class       int
	tag         int
	constructed bool
	indefinite  bool
	full        []byte // the whole encoding, header to the end of contents
	content     []byte // contents; for an indefinite value without the final end-of-contents
}

// is reports whether v has the given class, tag and form.
func (v tlv) is(class, tag int, constructed bool) bool {
	return v.class == class && v.tag == tag && v.constructed == constructed
}

func (v tlv) String() string {
	return fmt.Sprintf("[class %d tag %d constructed %v]", v.class, v.tag, v.constructed)
}

// readTLV reads the value at the start of data and returns it and the rest.
// depth is the nesting depth of the value.
func readTLV(data []byte, depth int) (tlv, []byte, error) {
	if depth > maxDepth {
		return tlv{}, nil, fmt.Errorf("%w: nesting deeper than %d", ErrBER, maxDepth)
	}
	if len(data) < 2 {
		return tlv{}, nil, fmt.Errorf("%w: truncated header", ErrBER)
	}
	v := tlv{class: int(data[0] >> 6), constructed: data[0]&0x20 != 0, tag: int(data[0] & 0x1f)}
	i := 1
	if v.tag == 0x1f {
		// High tag number: base-128, at most three bytes (tags < 2^21).
		v.tag = 0
		for n := 0; ; n++ {
			if i >= len(data) || n == 3 {
				return tlv{}, nil, fmt.Errorf("%w: bad high tag number", ErrBER)
			}
			b := data[i]
			i++
			v.tag = v.tag<<7 | int(b&0x7f)
			if b&0x80 == 0 {
				break
			}
		}
	}
	if i >= len(data) {
		return tlv{}, nil, fmt.Errorf("%w: truncated length", ErrBER)
	}
	l := data[i]
	i++
	switch {
	case l < 0x80:
		return definite(v, data, i, int(l))
	case l == 0x80:
		if !v.constructed {
			return tlv{}, nil, fmt.Errorf("%w: indefinite length on a primitive value", ErrBER)
		}
		v.indefinite = true
		rest := data[i:]
		for {
			if len(rest) >= 2 && rest[0] == 0 && rest[1] == 0 {
				v.content = data[i : len(data)-len(rest)]
				end := len(data) - len(rest) + 2
				v.full = data[:end]
				return v, data[end:], nil
			}
			var err error
			if _, rest, err = readTLV(rest, depth+1); err != nil {
				return tlv{}, nil, err
			}
		}
	case l == 0xff:
		return tlv{}, nil, fmt.Errorf("%w: reserved length octet", ErrBER)
	default:
		n := int(l & 0x7f)
		if n > 4 || i+n > len(data) {
			return tlv{}, nil, fmt.Errorf("%w: length of %d octets", ErrBER, n)
		}
		length := 0
		for _, b := range data[i : i+n] {
			length = length<<8 | int(b)
		}
		return definite(v, data, i+n, length)
	}
}

func definite(v tlv, data []byte, start, length int) (tlv, []byte, error) {
	if length < 0 || length > len(data)-start {
		return tlv{}, nil, fmt.Errorf("%w: length %d beyond the data", ErrBER, length)
	}
	v.content = data[start : start+length]
	v.full = data[:start+length]
	return v, data[start+length:], nil
}

// children reads the values inside a constructed value, at most max of
// them (0 = no limit).
func (v tlv) children(depth, max int) ([]tlv, error) {
	if !v.constructed {
		return nil, fmt.Errorf("%w: %v is not constructed", ErrBER, v)
	}
	var out []tlv
	rest := v.content
	for len(rest) > 0 {
		if max > 0 && len(out) == max {
			return nil, fmt.Errorf("%w: more than %d values in %v", ErrBER, max, v)
		}
		c, r, err := readTLV(rest, depth+1)
		if err != nil {
			return nil, err
		}
		if c.class == classUniversal && c.tag == 0 {
			return nil, fmt.Errorf("%w: misplaced end-of-contents", ErrBER)
		}
		out = append(out, c)
		rest = r
	}
	return out, nil
}

// octets returns the contents of an OCTET STRING, joining the segments of
// a constructed one (which may nest) into one slice.
func (v tlv) octets(depth int) ([]byte, error) {
	if v.class != classUniversal || v.tag != tagOctetString {
		return nil, fmt.Errorf("%w: %v is not an OCTET STRING", ErrBER, v)
	}
	if !v.constructed {
		return v.content, nil
	}
	var buf bytes.Buffer
	buf.Grow(len(v.content))
	if err := appendSegments(&buf, v, depth); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func appendSegments(buf *bytes.Buffer, v tlv, depth int) error {
	rest := v.content
	for len(rest) > 0 {
		c, r, err := readTLV(rest, depth+1)
		if err != nil {
			return err
		}
		if c.class != classUniversal || c.tag != tagOctetString {
			return fmt.Errorf("%w: segment %v inside an OCTET STRING", ErrBER, c)
		}
		if c.constructed {
			if err := appendSegments(buf, c, depth+1); err != nil {
				return err
			}
		} else {
			buf.Write(c.content)
		}
		rest = r
	}
	return nil
}

// toDER returns v in definite-length form: a definite value is returned as
// it is; an indefinite one is rewritten with definite lengths all the way
// down. Nothing else is normalised (SET OF order, constructed strings), so
// for values that were DER to begin with the bytes are the original ones.
func toDER(v tlv, depth int) ([]byte, error) {
	if !v.indefinite && !hasIndefinite(v, depth) {
		return v.full, nil
	}
	var body bytes.Buffer
	if v.constructed {
		kids, err := v.children(depth, 0)
		if err != nil {
			return nil, err
		}
		for _, k := range kids {
			b, err := toDER(k, depth+1)
			if err != nil {
				return nil, err
			}
			body.Write(b)
		}
	} else {
		body.Write(v.content)
	}
	var out bytes.Buffer
	writeHeader(&out, v.class, v.tag, v.constructed, body.Len())
	out.Write(body.Bytes())
	return out.Bytes(), nil
}

// hasIndefinite reports whether a definite constructed value holds an
// indefinite-length value somewhere inside.
func hasIndefinite(v tlv, depth int) bool {
	if !v.constructed {
		return false
	}
	kids, err := v.children(depth, 0)
	if err != nil {
		return false
	}
	for _, k := range kids {
		if k.indefinite || hasIndefinite(k, depth+1) {
			return true
		}
	}
	return false
}

// writeHeader writes an identifier and a definite length.
func writeHeader(buf *bytes.Buffer, class, tag int, constructed bool, length int) {
	writeIdentifier(buf, class, tag, constructed)
	switch {
	case length < 0x80:
		buf.WriteByte(byte(length))
	default:
		n := 0
		for l := length; l > 0; l >>= 8 {
			n++
		}
		buf.WriteByte(0x80 | byte(n))
		for i := n - 1; i >= 0; i-- {
			buf.WriteByte(byte(length >> (8 * i)))
		}
	}
}

func writeIdentifier(buf *bytes.Buffer, class, tag int, constructed bool) {
	b := byte(class << 6)
	if constructed {
		b |= 0x20
	}
	if tag < 0x1f {
		buf.WriteByte(b | byte(tag))
		return
	}
	buf.WriteByte(b | 0x1f)
	var tmp [4]byte
	n := 0
	for t := tag; ; t >>= 7 {
		tmp[n] = byte(t & 0x7f)
		n++
		if t < 0x80 {
			break
		}
	}
	for i := n - 1; i >= 0; i-- {
		c := tmp[i]
		if i > 0 {
			c |= 0x80
		}
		buf.WriteByte(c)
	}
}
