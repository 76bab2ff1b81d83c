// Package policies is konektor's RPP policy engine: the model of agendas,
// činnostní role, OVMs, AIS registrations, eGON services and data items, the
// loaders that build it (RPP open data, local YAML), and the decision
// function every call passes before it leaves the region.
//
// # Model
//
// Agenda A\d+ (X\d+ in the ISZR test environment), činnostní role CR\d+
// (XR\d+), OVM identifier (8 digits, SPUU with a ".n" suffix) and its
// categories KO\d+/KU\d+, AIS code 1…9 999 999, eGON service E\d+[a-z],
// data item by its ISZR name (what SeznamUdaju lists) mapped to the RPP údaj
// <agenda>-<object>-<n> (the E227 mapping), and data-access permissions at
// level R, RH or W. Působnost is agenda × OVM or agenda × category, with the
// činnosti performed; roles link to eGON services; AIS registrations are
// AIS × agenda × OVM (optionally × role); record limits cap
// MaximalniPocetZaznamu per role and service.
//
// # Sources
//
// The RPP open data (ImportRPP: agendy, ovm, spuu, pusobnost_v_agendach,
// udaje, opravneni_k_udajum, streamed record by record) give agendas,
// activities, OVMs, působnost, údaje and data-access permissions. They do
// not give the ISZR item names, the role × service links or the AIS
// registrations: the local YAML adds those, plus the region's own rules
// (records, archive, data boxes, cadastre accounts). Sources.Load merges a
// model file written by `konektor policy import-rpp` with YAML files and
// compiles the Snapshot. The YAML format is demo.yaml's; every section is
// optional:
//
//	version: 1
//	settings: {overLimit: deny, defaultMaxRecords: 0}
//	agendas:    [{code: A343, name: …, roles: [{code: CR1001, services: [E03, E278]}]}]
//	ovms:       [{id: "00231401", name: …, categories: [KO14]}]
//	pusobnost:  [{agenda: A343, ovm: "00231401", roles: [CR1001]}, {agenda: A343, category: KO14}]
//	items:      [{iszr: Prijmeni, rpp: 101-1-1, agenda: A101}, {iszr: Jmeno, rpp: 101-1-2}]
//	permissions:
//	  - {code: A343-A101-1, from: A101, to: A343,
//	     roles: [{agenda: A343, role: CR1001, category: KO14}],
//	     items: [Prijmeni, {item: Jmeno, level: RH}]}
//	ais:        [{ais: "999002", agendas: [A343], ovms: ["00231401"], roles: [CR1001]}]
//	limits:     [{agenda: A343, role: CR1001, service: E278, max: 100}]
//	records:    [{ais: "999002", ovms: ["00231401"], operations: ["*"]}]
//	archive:    [{ais: "999002", ovms: ["00231401"], operations: [ingest]}]
//	dataBoxes:  [{ais: "999002", ovm: "00231401", box: mstdemd, privileges: [PRIVIL_VIEW_INFO]}]
//	cadastre:   [{account: WSDP-1, secret: env:WSDP_PASSWORD, ais: ["999002"],
//	              ovms: ["00231401"], services: [vyhledat, sestavy], paid: true}]
//
// Models merge: agendas and roles by code (services are united), items by
// ISZR name or RPP code (so a YAML item {iszr, rpp} names an imported
// údaj); everything else is appended. A reference to an agenda, OVM or role
// the catalogue does not hold is a warning, not an error (Snapshot.Warnings):
// Decide refuses it with the RPP text.
//
// # Decision
//
// Snapshot.Decide checks, in order, the links ISZR checks and refuses with
// the first missing one: NENI OPRAVNENI EGON (AIS not registered),
// NEPOVOLENY KOD AGENDY, NEPOVOLENY KOD OVM, NEPOVOLENY KOD CINNOSTI,
// PUSOBNOST NEEXISTUJE, VAZBA SLUZBA CINNOST AGENDY NEEXISTUJE,
// NENI OPRAVNENI EGON (items not granted, named in the reason) and
// PREKROCEN SEZNAM. Over the record limit the default is to refuse, as ISZR
// does; settings.overLimit "cap" lowers the request to the limit instead.
// Deny is the default everywhere; each reason comes in Czech and English,
// and Explain prints the chain.
package policies
