// Package sim is a sandbox of ISZR, the eGON services of the Czech base
// registers, for konektor's tests and its `konektor sandbox` command: an
// http.Handler that answers like the ISZR publication endpoints.
//
// Endpoints: POST /publikace/{code} and POST /publikace/{code}?async (SOAP
// 1.1, document/literal, official namespaces and element names, SOAPAction
// Iszr<Name>, quoted or not), and GET /publikace/{code}?wsdl (the
// self-contained WSDL of konektor's contract, package wsdl/iszr).
//
// Services: E03 robCtiAifo and E276 robCtiAifo2 (person by AIFO, with the
// RÚIAN address of residence joined), E278 robCtiPodleUdaju2 (search of
// persons by their data; typPorovnani striktni/diakritika/ascii), E256
// rosCtiIco2 (legal entity by IČO), E36 ruianCtiAdresu and E251
// ruianCtiAdresu2 (address point, itemised or in lines), E227
// iszrVypisOpravneniPolozky (items a role may read), E164 iszrProbe, E99
// iszrAsyncVypisFronty and E100 iszrAsyncOdpovedZFronty. Every other code of
// the published catalogue answers CHYBA / NENI IMPLEMENTOVANO; a code
// outside the catalogue is HTTP 404.
//
// What ISZR checks, in order, and the sub-code of a refusal:
//   - the body is a SOAP 1.1 envelope (else a SOAP Fault, HTTP 500);
//   - SOAPAction and the body element match the code (NEVALIDNI ZADOST);
//   - the message matches the schema: names, namespaces, mandatory
//     elements, value formats such as UUID, AIFO, IČO, dates
//     (NEVALIDNI DATA);
//   - the caller: the TLS client certificate's CN is an AIS code, and
//     ZadostInfo/Ais, if present, must equal it; a CN listed in
//     Options.Connectors is a central AIS acting for ZadostInfo/Ais, which
//     it must give. No client certificate: HTTP 403 (ISZR would fail the
//     handshake). Mismatches are NENI OPRAVNENI EGON;
//   - CasZadosti within Options.ClockSkew of the injected clock (NEPLATNY
//     CAS); a CasZadosti without a zone is Prague local time;
//   - AgendaZadostId not used before by the same AIS (DUPLICITNI ZADOST);
//   - ?async only where the catalogue allows it: E278 and E256, the
//     services the DIA reference agent calls asynchronously (JENOM SYNC);
//   - the RPP check through Options.Policy (NENI OPRAVNENI EGON with the
//     decision's sub-code and Czech reason in VysledekPopis, or PREKROCEN
//     SEZNAM for a record limit). The sandbox asks for everything the role
//     may read and keeps the requested items among them: the answer holds
//     only requested ∩ permitted items (all permitted ones without
//     AutorizaceInfo), as ISZR intersects SeznamUdaju with RPP.
//
// Register answers: AIFO NEEXISTUJE (an AIFO unknown in the caller's
// agenda; every person has a different AIFO in each agenda), NEVALIDNI
// VAZBA (payload AIFO or address not in MapaAifo / SeznamIdAdres),
// ADRESA NEEXISTUJE, PREKROCEN SEZNAM (E278 finds more persons than
// MaximalniPocetZaznamu or the policy's limit allow; the sandbox's own cap
// is 100). Application statuses of the registers come with top-level CHYBA
// / APLIKACNI CHYBA: ROB NEPOVOLENA KOMBINACE (no criterion) and ZAZNAM
// NENALEZEN, ROS ICO CHYBA MODULO and ICO NEEXISTUJE. Every answer echoes
// AgendaZadostId (the nil UUID when it cannot be read) and carries
// CasOdpovedi from the injected clock and a fresh IszrZadostId.
//
// Asynchronous mode: ?async runs the request at once, stores the answer
// in the caller AIS's queue and answers with OdpovedInfo and IszrZadostId
// only. E99 lists the answers that are ready (after Options.AsyncDelay on
// the injected clock), E100 returns one inside AsyncDotazDataResponse, or
// VAROVANI / PROBIHA ZPRACOVANI with CekaciCas before it is ready, or CHYBA
// / NENALEZENO. Answers expire after 24 hours; a queue holds at most 1000.
//
// Data: the seed of seed.go (Persons, Entities, Addresses) with the
// identifiers SampleAifo, SampleIco, SampleAddress. Answers are built from
// the gowsdl-generated types of wsdl/iszr/egon and encoded by iszr.Marshal,
// which puts every element in its ISZR namespace; they validate against the
// official DIA schemas (tests check every service, OK and error answers).
//
// Bounds: bodies over Options.MaxBodyBytes (1 MiB) are refused with HTTP
// 413; the XML reader rejects DOCTYPE, processing instructions, nesting
// over 48 levels and more than 5000 elements.
package sim
