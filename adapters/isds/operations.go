package isds

import (
	"encoding/xml"

	"konektor/gateway/catalogue"
	"konektor/policies"
	wsdl "konektor/wsdl/isds"
)

// Upstream is the route family and catalogue upstream name of ISDS.
const Upstream = "isds"

// need are the privileges each operation needs of the client's data-box
// grant. Reading a message needs a read privilege; which one (personal
// delivery) is checked on the answer. Listing received messages needs
// PRIVIL_VIEW_INFO (delivery then depends on the account, see
// chooseAccount).
var need = map[string]policies.Privilege{
	"CreateMessage":             policies.PrivCreateDM,
	"MessageDownload":           policies.PrivReadNonPersonal,
	"SignedMessageDownload":     policies.PrivReadNonPersonal,
	"SignedSentMessageDownload": policies.PrivCreateDM,
	"DummyOperation":            0,
	"MessageEnvelopeDownload":   policies.PrivViewInfo,
	"GetListOfReceivedMessages": policies.PrivViewInfo,
	"GetListOfSentMessages":     policies.PrivViewInfo,
	"MarkMessageAsDownloaded":   policies.PrivReadNonPersonal,
	"GetDeliveryInfo":           policies.PrivViewInfo,
	"GetSignedDeliveryInfo":     policies.PrivViewInfo,
	"GetMessageStateChanges":    policies.PrivViewInfo,
	"FindDataBox2":              policies.PrivSearchDB,
	"CheckDataBox":              policies.PrivSearchDB,
	"GetOwnerInfoFromLogin2":    0,
}

// sideEffects: sending, marking as read and listing received messages
// (which delivers them) change ISDS; the rest only read.
var sideEffects = map[string]catalogue.SideEffect{
	"CreateMessage":             catalogue.Write,
	"MarkMessageAsDownloaded":   catalogue.Write,
	"GetListOfReceivedMessages": catalogue.Write,
}

// listed are the operations whose answer lists messages: the evidence
// names their dmIDs (listing received messages may deliver them).
var listed = map[string]bool{
	"GetListOfReceivedMessages": true, "GetListOfSentMessages": true, "GetMessageStateChanges": true,
}

// signed are the operations whose answer is a ZFO.
var signed = map[string]bool{
	"SignedMessageDownload": true, "SignedSentMessageDownload": true, "GetSignedDeliveryInfo": true,
}

// CatalogueEntries returns the routing entries of the ISDS operations
// konektor relays, for catalogue.Add: upstream "isds", Code the path
// segment (dz, dx, df, DsManage; the body element chooses the operation),
// the request and response elements in http://isds.czechpoint.cz/v20,
// never cached; and konektor's draft operations at dz in DraftNS. ISDS
// clients send SOAPAction "", so Operation is only what a non-empty
// SOAPAction must name.
func CatalogueEntries() []*catalogue.Entry {
	var out []*catalogue.Entry
	for _, o := range wsdl.Operations() {
		out = append(out, &catalogue.Entry{
			Upstream:   Upstream,
			Code:       o.Service,
			Operation:  o.Name,
			Request:    xml.Name{Space: wsdl.NS, Local: o.Name},
			Response:   xml.Name{Space: wsdl.NS, Local: o.Response()},
			SideEffect: sideEffects[o.Name],
			Cache:      catalogue.CacheNever,
		})
	}
	return append(out, draftEntries()...)
}
