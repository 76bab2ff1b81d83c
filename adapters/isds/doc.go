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
//   - posts to the configured ISDS base URL (ws1/ws1c, SOAP 1.1),
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
package isds
