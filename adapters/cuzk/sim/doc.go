// Package sim is a sandbox of ČÚZK's WSDP 2.8 web services (remote access
// to the Czech cadastre) for konektor's tests and its `konektor sandbox`
// command: an http.Handler answering like katastr.cuzk.cz.
//
// Endpoints: POST /ws/wsdp/2.8/{ciselnik|vyhledat|informace|sestavy|ucet}
// and POST /ws/ctios/2.8/ctios (SOAP 1.1, document/literal, official
// namespaces, element names and SOAPActions, the double slash of vyhledat
// and sestavy included), and GET …?wsdl (konektor's contract, package
// wsdl/cuzk, with the sandbox's address).
//
// Operations: ciselnik seznamCiselniku, seznamKraju, seznamOkresu,
// seznamObci, seznamCastiObci, seznamKU, seznamUcelu, seznamZprav,
// seznamDruhuPozemku, seznamTypuStaveb; vyhledat najdiParcelu, najdiStavbu,
// najdiJednotku, najdiOS; informace dejMBRParcel, dejNahledLV,
// dejInfoOJednotce; sestavy generujLV, generujLVZjednodusene, seznamSestav,
// vratSestavu, smazSestavu; ctios. Every other official operation answers
// CHYBA 309 saying it is not in the sandbox.
//
// What WSDP checks, in order, and how it answers:
//   - the SOAP 1.1 envelope (SOAP 1.2: VersionMismatch fault; malformed,
//     DOCTYPE, too deep or too large: S:Client fault; bodies over
//     Options.MaxBodyBytes: HTTP 413);
//   - WS-Security UsernameToken with PasswordText (user guide §3.13): no
//     Security header is wsse:InvalidSecurity; another password type is an
//     unsupported token; wsu:Created more than 5 minutes off the injected
//     clock is wsse:InvalidSecurityToken; a wrong user or password is
//     wsse:FailedAuthentication "Failed to assert identity with
//     UsernameToken." Three consecutive failures lock the account for 15
//     minutes (every attempt fails meanwhile, correct password included);
//     a success resets the count;
//   - the operation by the body element; a SOAPAction, when given, must be
//     the operation's official one (S:Client fault otherwise);
//   - the cap on concurrently working users (Options.MaxActiveUsers): 477
//     CHYBA inside the operation's normal answer;
//   - the schema (konektor's contract: names, namespaces, order,
//     mandatory elements, choices, facets): S:Client fault with the cvc-…
//     text, as ČÚZK answers (user guide §3.4);
//   - then the operation. Business errors come inside the normal answer
//     (HTTP 200) as vysledek/zprava with the official codes and texts
//     (304 unknown id, 302 unknown k.ú., 303 unknown část obce, 390 building
//     type, 392 nothing found, 321 exclusive parameters, 532 insufficient
//     criteria, 453/476/479 datumK, 118/119/120 per account type, 325, 454,
//     527, 524 more than 100 POSIdents, 505, 404, 207 …), followed by the
//     operational notices (Options.Notices; TrialNotices reproduces the
//     trial environment's 9001/9002/9003).
//
// Accounts (Options.Accounts, default the trial's WSTEST paying, WSTESTB
// free, WSTESTO verifying): free accounts must send cisloJednaci and
// ucelKod with every report request; verifying accounts get PDF only,
// present state only and need poradoveCislo; ucelKod is checked against
// seznamUcelu whoever sends it. dejNahledLV and dejInfoOJednotce (the
// CzechPOINT views) are refused to paying accounts (207).
//
// Reports are asynchronous on the injected clock: čeká, vytváří se,
// podepisuje se (sealed outputs), zpracován, and zaúčtován once vratSestavu
// has charged them (Server.Charges; 50 Kč per PDF/HTML page up to 1000 Kč
// per LV, 100 Kč for an XML LV, nothing for the XML twin of pripojitXML;
// free accounts' amounts are registered but not invoiced). LV 9999 of the
// seed always ends in "chyba při vytváření". XML reports follow
// VypisZKatastruNemovitosti.xsd and, with Options.Sealer, are sealed as
// ČÚZK seals them: an enveloped ds:Signature (exc-c14n, RSA-SHA256,
// Reference URI="" over the whole report, X509Data with the sealing
// certificate) as the first child of the report's root element, which the
// schema allows (certs/docsig.Signer makes it); historical reports
// (datumK) stay unsealed, as ČÚZK's do. PDF outputs are plain (elZnacka
// n).
//
// Data: the territory (BuiltinTerritory: every region and district, and
// the municipalities, cadastral territories and parts of municipalities of
// the district of Prachatice, real codes from ČÚZK's public code lists;
// LoadTerritory reads the full lists), and the cadastre of Seed in k.ú.
// Jáma with fictional owners (parcel St. 77 id 2850901306 on LV 352 id
// 807841306, as in ČÚZK's trial). Server.POSIdent makes the pseudonymous
// owner identifiers ctios resolves.
package sim
