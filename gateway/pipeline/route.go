package pipeline

import (
	"context"
	"fmt"

	"konektor/gateway/fault"
	"konektor/gateway/soap"
)

// Route finds the catalogue entry for the path and requires the body and
// the SOAP action to name that entry's operation: dispatch follows the
// body, and a header that says otherwise is refused.
func Route(d Deps) Middleware {
	cat := d.Catalogue
	return func(next Handler) Handler {
		return func(ctx context.Context, ex *Exchange) (*Reply, error) {
			e, ok := cat.Lookup(ex.Upstream, ex.Code)
			if !ok && cat.HasEndpoint(ex.Upstream, ex.Code) {
				// An endpoint of several operations: the body chooses.
				if e, ok = cat.LookupOperation(ex.Upstream, ex.Code, ex.Envelope.Payload); !ok {
					return nil, fault.New(fault.NotFound, "unknown-operation",
						fmt.Sprintf("služba %s/%s nemá operaci %s", ex.Upstream, ex.Code, qn(ex.Envelope.Payload.Space, ex.Envelope.Payload.Local)),
						fmt.Sprintf("service %s/%s has no operation %s", ex.Upstream, ex.Code, qn(ex.Envelope.Payload.Space, ex.Envelope.Payload.Local)))
				}
			}
			if !ok {
				return nil, fault.New(fault.NotFound, "unknown-service",
					fmt.Sprintf("služba %s/%s není v katalogu konektoru", ex.Upstream, ex.Code),
					fmt.Sprintf("service %s/%s is not in konektor's catalogue", ex.Upstream, ex.Code))
			}
			if ex.Envelope.Version != soap.V11 && (ex.Upstream == "iszr" || ex.Upstream == "isds" || ex.Upstream == "cuzk") {
				return nil, fault.New(fault.BadRequest, "soap-version",
					"tato služba používá SOAP 1.1", "this service uses SOAP 1.1")
			}
			if ex.Envelope.Payload != e.Request {
				return nil, fault.New(fault.BadRequest, "wrong-operation",
					fmt.Sprintf("služba %s očekává prvek %s v jmenném prostoru %s, tělo obsahuje %s",
						e.Code, e.Request.Local, e.Request.Space, qn(ex.Envelope.Payload.Space, ex.Envelope.Payload.Local)),
					fmt.Sprintf("service %s expects element %s in namespace %s, the body holds %s",
						e.Code, e.Request.Local, e.Request.Space, qn(ex.Envelope.Payload.Space, ex.Envelope.Payload.Local)))
			}
			action, _ := soap.Action(ex.ContentType, ex.SOAPAction)
			if action != "" && !soap.ActionMatches(action, e.SOAPAction()) {
				return nil, fault.New(fault.BadRequest, "soapaction-mismatch",
					fmt.Sprintf("SOAPAction %q neodpovídá operaci %s v těle zprávy", action, e.Operation),
					fmt.Sprintf("SOAPAction %q does not match operation %s in the body", action, e.Operation))
			}
			ex.Entry = e
			return next(ctx, ex)
		}
	}
}

func qn(space, local string) string {
	if space == "" {
		return local
	}
	return "{" + space + "}" + local
}
