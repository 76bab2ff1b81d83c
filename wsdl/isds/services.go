package isds

import "sort"

// NS is the namespace of every ISDS message and data-box element.
const NS = "http://isds.czechpoint.cz/v20"

// Services of ISDS by path segment: /DS/{service}.
const (
	ServiceOperations = "dz"       // dm_operations.wsdl
	ServiceInfo       = "dx"       // dm_info.wsdl
	ServiceSearch     = "df"       // db_search.wsdl
	ServiceManage     = "DsManage" // db_access.wsdl
)

// Operation is one ISDS operation konektor has a contract for. The request
// element is named as the operation, the answer Operation+"Response".
type Operation struct {
	Service string // dz, dx, df, DsManage
	Name    string // CreateMessage, ...
	// Box reports whether the operation belongs to the data-box schema
	// (dbTypes.xsd, answers carry dbStatus); otherwise it is a message
	// operation (dmBaseTypes.xsd, dmStatus).
	Box bool
}

// Response is the name of the answer element.
func (o Operation) Response() string { return o.Name + "Response" }

var operations = []Operation{
	{ServiceOperations, "CreateMessage", false},
	{ServiceOperations, "MessageDownload", false},
	{ServiceOperations, "SignedMessageDownload", false},
	{ServiceOperations, "SignedSentMessageDownload", false},
	{ServiceOperations, "DummyOperation", false},
	{ServiceInfo, "MessageEnvelopeDownload", false},
	{ServiceInfo, "GetListOfReceivedMessages", false},
	{ServiceInfo, "GetListOfSentMessages", false},
	{ServiceInfo, "MarkMessageAsDownloaded", false},
	{ServiceInfo, "GetDeliveryInfo", false},
	{ServiceInfo, "GetSignedDeliveryInfo", false},
	{ServiceInfo, "GetMessageStateChanges", false},
	{ServiceSearch, "FindDataBox2", true},
	{ServiceSearch, "CheckDataBox", true},
	{ServiceManage, "GetOwnerInfoFromLogin2", true},
}

// Operations lists the operations of this package, by service and name.
func Operations() []Operation {
	out := append([]Operation(nil), operations...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Service != out[j].Service {
			return out[i].Service < out[j].Service
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Lookup returns the operation name of service.
func Lookup(service, name string) (Operation, bool) {
	for _, o := range operations {
		if o.Service == service && o.Name == name {
			return o, true
		}
	}
	return Operation{}, false
}

// IsService reports whether s is one of the four ws1 services.
func IsService(s string) bool {
	switch s {
	case ServiceOperations, ServiceInfo, ServiceSearch, ServiceManage:
		return true
	}
	return false
}
