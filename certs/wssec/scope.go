package wssec

import "strconv"

// lookupPrefix returns the namespace bound to prefix in scope at el.
func lookupPrefix(el *element, prefix string) (string, bool) {
	for e := el; e != nil; e = e.Parent() {
		for _, a := range e.Attr {
			if p, ok := isNSDecl(a); ok && p == prefix {
				return a.Value, true
			}
		}
	}
	return "", false
}

// prefixBoundTo returns a non-empty prefix that is bound to ns in scope at el.
func prefixBoundTo(el *element, ns string) (string, bool) {
	for e := el; e != nil; e = e.Parent() {
		for _, a := range e.Attr {
			if a.Space != "xmlns" || a.Value != ns {
				continue
			}
			if got, _ := lookupPrefix(el, a.Key); got == ns {
				return a.Key, true
			}
		}
	}
	return "", false
}

// bindPrefix returns a prefix bound to ns at el, declaring preferred (or
// preferred1, preferred2, ...) on el when none is in scope. A prefix is only
// declared if it is unbound in scope at el, so nothing inside el changes
// meaning.
func bindPrefix(el *element, ns, preferred string) string {
	if p, ok := prefixBoundTo(el, ns); ok {
		return p
	}
	for n := 0; ; n++ {
		p := preferred
		if n > 0 {
			p += strconv.Itoa(n)
		}
		if _, bound := lookupPrefix(el, p); !bound {
			el.CreateAttr("xmlns:"+p, ns)
			return p
		}
	}
}

// qualified joins a prefix and a local name.
func qualified(prefix, local string) string {
	if prefix == "" {
		return local
	}
	return prefix + ":" + local
}

// plainAttr returns the value of el's unprefixed attribute key. Unlike
// etree's SelectAttrValue it never matches a prefixed attribute.
func plainAttr(el *element, key string) (string, bool) {
	for _, a := range el.Attr {
		if a.Space == "" && a.Key == key {
			return a.Value, true
		}
	}
	return "", false
}

// plainAttrValue is plainAttr with a default.
func plainAttrValue(el *element, key, dflt string) string {
	if v, ok := plainAttr(el, key); ok {
		return v
	}
	return dflt
}
