package pipeline

import (
	"context"
	"net/http"

	"konektor/gateway/fault"
	"konektor/gateway/soap"
)

// Accept refuses what is not a SOAP call before anything reads it: a
// method other than POST, or a Content-Type that is neither SOAP 1.1
// (text/xml) nor SOAP 1.2 (application/soap+xml).
func Accept(d Deps) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, ex *Exchange) (*Reply, error) {
			if ex.Method != "" && ex.Method != http.MethodPost {
				return nil, fault.New(fault.MethodNotAllowed, "method-not-allowed",
					"metoda "+ex.Method+" není povolena; volání SOAP používají POST (WSDL: GET s ?wsdl)",
					"method "+ex.Method+" is not allowed; SOAP calls use POST (WSDL: GET with ?wsdl)")
			}
			mt, _, err := soap.MediaType(ex.ContentType)
			if err != nil || (mt != "text/xml" && mt != "application/soap+xml") {
				return nil, fault.New(fault.UnsupportedMedia, "content-type",
					"Content-Type musí být text/xml (SOAP 1.1) nebo application/soap+xml (SOAP 1.2), je \""+ex.ContentType+"\"",
					"Content-Type must be text/xml (SOAP 1.1) or application/soap+xml (SOAP 1.2), got \""+ex.ContentType+"\"")
			}
			return next(ctx, ex)
		}
	}
}
