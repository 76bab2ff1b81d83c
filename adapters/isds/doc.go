// Package isds is konektor's adapter for ISDS, the Czech data-box system.
// An agenda system posts the ISDS SOAP message it would send to ISDS to
// POST /bus/isds/{dz|dx|df|DsManage}; konektor
//   - picks the data box from configuration by the calling client (Route),
//   - lets the policy engine decide whether that client may use that box
//     with the privileges the operation needs (policies.DecideDataBox),
//   - strips whatever credentials the caller sent (the SOAP Header goes,
//     HTTP headers never pass) and adds the box's own: name and password,
//     a system certificate, or the hosted-records-service login (the
//     provider's certificate and the box ID), as configured per Account,
//   - posts to the configured ISDS base URL (ws1/ws1c, SOAP 1.1) through
//     the circuit breaker of that ISDS node (Account.Guard, one per base
//     URL),
//   - runs one request at a time per account whose ISDS account is in
//     restricted (throttled) mode, and retries only where the status code
//     says so (3006, 3008, 3009 and 9xxx; a CreateMessage only on 3008 and
//     3009, which ISDS gives before it accepts anything),
//   - verifies every signed download (ZFO) and reports dmID, box IDs and
//     the verification result as evidence for the access log.
//
// Listing received messages delivers them in ISDS (doručení přihlášením)
// when the login holds a read privilege. A client that the policy grants
// viewing but not reading is therefore relayed through an account of the
// box without read privileges (Account.Privileges), or refused when the box
// has none: konektor never delivers a message for a client that may not
// read it.
//
// # Uses a policy grants
//
// A data-box grant names, per client and box, the ISDS privileges
// (userPrivils bits) and konektor's own KONEKTOR_DRAFT:
//   - list and read without marking delivered: PRIVIL_VIEW_INFO (lists,
//     envelopes, delivery infos; listed through a view-only account), with
//     PRIVIL_READ_NON_PERSONAL or PRIVIL_READ_ALL to read (which then
//     delivers on listing, as in ISDS);
//   - download: PRIVIL_READ_NON_PERSONAL, PRIVIL_READ_ALL for messages into
//     the addressee's own hands (checked on the answer);
//   - prepare a draft: KONEKTOR_DRAFT;
//   - send: PRIVIL_CREATE_DM.
//
// # Drafts
//
// A client holding KONEKTOR_DRAFT but not PRIVIL_CREATE_DM posts an
// ordinary CreateMessage. konektor checks it as ISDS would before
// accepting it (package dmcheck: text lengths and a malformed request as a
// SOAP fault; the recipient's box ID and check character, 1007; formats,
// MIME types, content, counts and size of the documents, 1214 and 1200 with
// ISDS's texts), sends nothing, and keeps the request in the store
// (store.DraftStore, table isds_draft). The answer is ISDS's
// CreateMessageResponse with status 0001 ("recorded", an informational
// success) and no dmID; the draft's id is in the status text and in the
// HTTP header X-Konektor-Draft-Id. An agenda system that handles ISDS
// statuses sees a success without a message id, and one that knows
// konektor reads the id.
//
// Three operations of konektor's own, in namespace DraftNS at /bus/isds/dz
// beside CreateMessage, work with drafts of the client's box:
//   - SendDraft{draftID} (PRIVIL_CREATE_DM): konektor claims the draft (of
//     two concurrent senders one wins), sends it to ISDS as the stored
//     CreateMessage through the box's sending account and answers with
//     ISDS's own CreateMessageResponse (dmID, status). The draft ends sent
//     (its request is dropped), open again when ISDS refused it (the
//     status is kept) or could not be reached, or unknown when ISDS did not
//     answer (it may have accepted the message: check the sent list, then
//     discard it);
//   - GetListOfDrafts{limit?} (PRIVIL_CREATE_DM or KONEKTOR_DRAFT): the
//     box's drafts, newest first, with state, creator, recipient, subject,
//     and after sending the dmID;
//   - DeleteDraft{draftID} (PRIVIL_CREATE_DM or KONEKTOR_DRAFT): discards
//     an open or unknown draft.
//
// An unknown draft (or one of another box) answers status 1219, as ISDS
// answers an unknown message; a draft in the wrong state is a fault naming
// the state (and the dmID of a sent one). Refusals by policy are SOAP
// faults and access-log entries, like every refusal. The access log
// records the draft id, box, recipient and counts, never content.
//
// # Outages
//
// Transport failures and HTTP 502/503/504 answers (ISDS's maintenance
// answer is 503 with a SOAP Fault, which is relayed) count against the
// node's breaker. While it is open nothing is sent and konektor answers as
// ISDS reports a failure of its own: HTTP 200 and status 9500 in the
// operation's answer element (dbStatus for data-box operations), which an
// agenda system retries later; the access log records outcome unavailable.
// A CreateMessage whose answer never came is not answered that way (a
// retry could send it twice) but with a fault saying the outcome is
// unknown.
//
// # Access log
//
// Evidence names the operation, dmID and box IDs: the box konektor logged
// into, the recipient and new dmID of a sent message, the dmIDs a list
// showed (listing received messages may deliver them), the dmID of a
// download also when ISDS refused it, and for ZFOs the verification
// result. Box searches (FindDataBox2, CheckDataBox) name their data
// subject — the box ID, the IČO, or the person by name and date of birth
// — which the access log keeps only as a keyed hash (gateway/subject).
package isds
