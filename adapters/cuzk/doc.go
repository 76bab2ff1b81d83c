// Package cuzk relays the municipalities' calls to ČÚZK's WSDP 2.8 (remote
// access to the cadastre) with the region's accounts: POST
// /bus/cuzk/{ciselnik|vyhledat|informace|sestavy|ctios}, the operation
// told apart by the body element.
//
// Who may call, and with which account: the regional policy
// (policies.Snapshot.DecideCadastre) names, for the client's AIS, the OVM
// it acts for and the service, the WSDP account to use; paid services
// (report generation and download) only through an account allowed to
// pay. The OVM comes from konektor's Kontext header (NSKontext) or, without
// it, from the client registry (the client's only OVM, else its managing
// OVM). Upstream.Authorise is the decision the pipeline's Authorise stage
// should use for this upstream instead of RPP. Before anything is sent,
// ČÚZK's rules for the account's type are applied and refused the way
// ČÚZK would answer: a free (bezúplatný) account's report requests must
// carry cisloJednaci (118) and ucelKod (119); a verifying account gets PDF
// only (325), the present state only (479), must give poradoveCislo (120)
// and may call only the reports open to it (207). The access log keeps
// ucelKod and the číslo jednací as the call's purpose.
//
// The caller's own wsse:Security headers and the Kontext header are
// removed and the account's UsernameToken (PasswordText, from
// Credentials) is added; the rest of the envelope is relayed byte for
// byte with the operation's official SOAPAction (vyhledat and sestavy use
// a double slash: http://katastr.cuzk.cz/vyhledat//najdiParcelu), whatever
// form the caller used.
//
// Account safety: three failed logins lock a ČÚZK account for 15 minutes
// for every agency that shares it, so
//   - an account is used by one call at a time on a node until ČÚZK has
//     accepted the secret in use since the account was last held (a wrong
//     password, or a changed one, costs one failure);
//   - one wsse:FailedAuthentication puts the account on hold: the hold
//     (account, time, reason, node, SecretFingerprint of the refused
//     secret, never the secret) is written to the HoldStore, shared by
//     every konektor node, before the call returns; every call through the
//     account gets a clear fault (cuzk-account-disabled), the Metrics hook
//     and an error log line say so;
//   - every node reads the account's hold right before it sends a call
//     (one lookup by key, next to a WSDP call of tens of milliseconds; code
//     list hits never get there), so no node repeats a refused login once
//     the hold is written; a cached state would leave every node a window
//     to try again. A store that does not answer holds the call; a hold
//     the store could not take holds the account on this node and is
//     written at its next call;
//   - the hold ends for every node when an operator calls EnableAccount,
//     or when a node's secret watch (ReleaseChangedSecrets) sees a secret
//     other than the refused one; a released hold keeps the refused
//     fingerprint, so a node still configured with that secret does not
//     send it;
//   - report requests of one account keep ReportSpacing (2 s) apart;
//   - 477/210 (too many working users) make the account wait a doubling
//     backoff; safe reads are tried again, report generation, download and
//     deletion never are.
//
// Access log: Reply.Reason names the account used ("account DEMO-WSDP");
// the account is never named to the caller. For owner searches (najdiOS)
// and generujEvidenciPravProOsobu the call's subject (rodné číslo, IČO,
// or the name searched) goes to pipeline.Call.SubjectKind/SubjectID, which
// the access log keeps only as a keyed hash; it never reaches a log line.
//
// Evidence: every XML report a vratSestavu answer carries (inline base64
// or MTOM attachment) is checked with the ReportVerifier; the result goes
// to Reply.Evidence for the access log ("xml report 27033090011: signature
// valid, signer CN=…, signature 3f2a…"), and a report whose signature
// fails, or that claims a seal (elZnacka a) without one, is not relayed
// (cuzk-report-signature). DocReports checks ČÚZK's seal, an enveloped
// ds:Signature in the report's root element, with certs/docsig; a
// signature konektor cannot check (a construct its canonicalizer does not
// support, a report beyond its limits) is refused unless
// Options.AllowUnverifiableReports, and then marked so in the access log.
//
// Caching (pipeline.Cacheable): Entries gives each operation its class.
// The canonical request of a code list carries the list's last-change
// date, learned from seznamCiselniku (relayed answers and
// RefreshCodeLists), so a changed list is fetched again at once.
package cuzk
