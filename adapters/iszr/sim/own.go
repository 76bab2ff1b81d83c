package sim

import (
	"sort"
	"strings"

	"konektor/policies"
	"konektor/wsdl/iszr/egon"
)

// ISZR's own services: E227 iszrVypisOpravneniPolozky, E164 iszrProbe.

func init() {
	register("E227", service{serve: decoded(serveE227), bare: func(x *exchange, oi *egon.OdpovedInfoType) any {
		return &egon.IszrVypisOpravneniPolozkyResponseType{IszrOdpovedAbstractType: &egon.IszrOdpovedAbstractType{OdpovedInfo: oi}}
	}})
	register("E164", service{serve: decoded(serveE164), bare: func(x *exchange, oi *egon.OdpovedInfoType) any {
		return &egon.IszrProbeResponseType{IszrOdpovedAbstractType: &egon.IszrOdpovedAbstractType{OdpovedInfo: oi}}
	}})
}

// itemServices are the services whose data items E227 lists.
var itemServices = []string{"E03", "E276", "E278", "E256", "E36", "E251"}

// serveE227 lists the items the role named in the payload may read: the
// union, over the data services the sandbox serves, of what the policy
// grants that role for the calling AIS. KodRpp is not given (the sandbox
// does not know the RPP údaj codes).
func serveE227(s *Server, x *exchange, req *egon.IszrVypisOpravneniPolozkyType) (any, *status) {
	if req.Zadost == nil || req.Zadost.IszrVypisOpravneniPolozkyData == nil {
		return nil, invalid("Chybí Zadost/IszrVypisOpravneniPolozkyData.")
	}
	d := req.Zadost.IszrVypisOpravneniPolozkyData
	for _, f := range []struct {
		name string
		v    *string
		max  int
	}{{"Agenda", (*string)(d.Agenda), 15}, {"AgendovaRole", (*string)(d.AgendovaRole), 15}, {"Ovm", (*string)(d.Ovm), 36}} {
		if f.v == nil || !tokenRE.MatchString(*f.v) || len(*f.v) > f.max {
			return nil, invalid("IszrVypisOpravneniPolozkyData/%s chybí nebo má chybný tvar.", f.name)
		}
	}
	set := map[string]bool{}
	for _, code := range itemServices {
		dec := s.policy.Decide(policies.Request{AIS: x.ais, OVM: string(*d.Ovm), Agenda: string(*d.Agenda), Role: string(*d.AgendovaRole), Service: code})
		if dec.Permit {
			for _, it := range dec.Items {
				set[it] = true
			}
		}
	}
	names := make([]string, 0, len(set))
	for it := range set {
		names = append(names, it)
	}
	sort.Strings(names)
	data := &egon.IszrVypisOpravneniPolozkyDataResponseType{IszrDotazyDataResponseType: &egon.IszrDotazyDataResponseType{
		IszrAplikacniStatus: &egon.IszrAplikacniStatusType{VysledekIszrKodType: ptr(egon.VysledekKodTypeOK)},
	}}
	for _, n := range names {
		data.Polozka = append(data.Polozka, &egon.PolozkaType{KodIszr: n})
	}
	return &egon.IszrVypisOpravneniPolozkyResponseType{
		IszrOdpovedAbstractType: &egon.IszrOdpovedAbstractType{OdpovedInfo: x.info(statusOK())},
		IszrOdpoved:             &egon.IszrVypisOpravneniPolozkyIszrOdpovedType{IszrVypisOpravneniPolozkyDataResponse: data},
	}, nil
}

// probeInterfaces are the interfaces E164 reports as available; the
// sandbox serves them all in process.
var probeInterfaces = []string{"ISZR", "ROB", "ROS", "RUIAN", "RPP", "ORG"}

// serveE164 reports each interface named in SeznamRozhrani (all known
// ones when the request names none): OK for the sandbox's registers,
// ROZHRANI NEDOSTUPNE for any other name.
func serveE164(s *Server, x *exchange, req *egon.IszrProbeType) (any, *status) {
	names := probeInterfaces
	if req.Zadost != nil && req.Zadost.IszrProbeData != nil && req.Zadost.IszrProbeData.SeznamRozhrani != nil {
		names = strings.Fields(string(*req.Zadost.IszrProbeData.SeznamRozhrani))
		if len(names) > 32 {
			return nil, invalid("SeznamRozhrani: více než 32 rozhraní.")
		}
	}
	odp := &egon.OdpovediRozhraniType{}
	for _, n := range names {
		ps := &egon.ProbeStatusType{VysledekProbeKodType: ptr(egon.VysledekKodTypeOK),
			VysledekDetail: []*egon.ProbeVysledekDetailType{{VysledekSubKod: ptr(egon.VysledekSubKodProbeTypeOK)}}}
		r := &egon.OdpovedRozhraniType{ProbeStatus: ps, NazevRozhrani: ptr(egon.RozhraniType(truncate(n, 64)))}
		if containsString(probeInterfaces, n) {
			r.Odpoved = &egon.OdpovedRozhraniDataType{
				CasVydejeOdpovedi:   ptr(egon.CasovaZnackaType(x.now.Format(timeLayout))),
				StatusDat:           ptr(egon.StatusDatType(true)),
				VariabilniInformace: ptr(egon.VariabilniInformaceType(0)),
			}
		} else {
			ps.VysledekProbeKodType = ptr(egon.VysledekKodTypeCHYBA)
			ps.VysledekDetail = []*egon.ProbeVysledekDetailType{{
				VysledekSubKod: ptr(egon.VysledekSubKodProbeTypeROZHRANINEDOSTUPNE),
				VysledekPopis:  ptr(egon.VysledekPopisType("Rozhraní není v sandboxu k dispozici (unknown interface).")),
			}}
		}
		odp.OdpovedRozhrani = append(odp.OdpovedRozhrani, r)
	}
	data := &egon.IszrProbeDataResponseType{
		IszrDotazyDataResponseType: &egon.IszrDotazyDataResponseType{
			IszrAplikacniStatus: &egon.IszrAplikacniStatusType{VysledekIszrKodType: ptr(egon.VysledekKodTypeOK)},
		},
		OdpovediRozhrani: odp,
	}
	return &egon.IszrProbeResponseType{
		IszrOdpovedAbstractType: &egon.IszrOdpovedAbstractType{OdpovedInfo: x.info(statusOK())},
		IszrOdpoved:             &egon.IszrProbeIszrOdpovedType{IszrProbeDataResponse: data},
	}, nil
}

func containsString(xs []string, v string) bool {
	for _, x := range xs {
		if x == v {
			return true
		}
	}
	return false
}
