// Package sim is a sandbox of ISDS, the Czech data-box system, for
// konektor's tests and its `konektor sandbox` command: an http.Handler
// that answers like the ws1 web services of ISDS (WSDL/XSD 3.11).
//
// Endpoints: POST /{login}/{service} with service dz, dx, df or DsManage
// (SOAP 1.1, document/literal, namespace http://isds.czechpoint.cz/v20,
// any SOAPAction) and login
//   - DS: HTTP Basic name and password on every request;
//   - cert/DS: a TLS client certificate registered as the box's system
//     certificate (a virtual user with privileges 159);
//   - certds/DS: a user's registered certificate and name and password (a
//     user with a registered certificate cannot log in with Basic alone);
//   - hspis/DS: hosted records service: the provider's certificate and the
//     box ID as the Basic user name with an empty password (virtual user).
//
// A wrong login is HTTP 401 with an HTML page. Five failed logins of one
// user name (twenty from one address) block it for 30 minutes on the
// injected clock ("Přihlášení blokováno do …"), even with the right
// password. Maintenance (Options.Maintenance, e.g. FridayMaintenance) is
// HTTP 503 with the SOAP Fault "Probíhá plánovaná údržba".
//
// Operations: CreateMessage, MessageDownload, SignedMessageDownload,
// SignedSentMessageDownload, DummyOperation (dz); MessageEnvelopeDownload,
// GetListOfReceivedMessages, GetListOfSentMessages, MarkMessageAsDownloaded,
// GetDeliveryInfo, GetSignedDeliveryInfo, GetMessageStateChanges (dx);
// FindDataBox2, CheckDataBox (df); GetOwnerInfoFromLogin2 (DsManage). An
// unknown operation, or one of another service, answers status 2006 with
// HTTP 200, as ISDS does; a request the schema rejects is a SOAP Fault.
// Answers are written as ISDS writes them (prefix p, xsi:nil for empty
// nillable elements, Prague times with offset and milliseconds) and
// validate against the official schemas (tests check every answer).
//
// Message states follow the injected clock: a message is dodána (4) when
// accepted; GetListOfReceivedMessages by a login with a read privilege
// delivers it (6: EV11 primary user, EV12 entrusted user, EV13 virtual
// user), a PRIVIL_VIEW_INFO-only login lists without delivering, a
// personal message (dmPersonalDelivery) needs PRIVIL_READ_ALL; ten days
// after dodání it is delivered by fiction (5, EV2, dmAcceptanceTime the
// fiction time, kept by a later login) unless an OVM sender forbade it;
// MarkMessageAsDownloaded reads it (7). SetBoxState makes a recipient box
// inaccessible (retroactively from a given time): its messages in 4 or 5
// become undeliverable (8, EV3; the recipient cannot download them, 1222).
// At the end of retention — 90 days after doručení by login, three years
// for fiction without a login, 90 days after an antivirus refusal or after
// the box became inaccessible — the content is deleted (9: envelope,
// delivery infos and their ZFOs stay, downloads answer 1219), or, when the
// recipient box has a data vault (Box.Vault, Box.VaultCapacity) with room,
// a delivered message (5, 6, 7, 8) moves into it (10): it behaves like a
// live message for the recipient, lists show 10 (dmStatusFilter bit 10,
// 1024; the mask 1023 leaves the vault out), single downloads, envelopes
// and delivery infos report the state before the move (5, 6 or 8; a read
// message 6). The vault is the recipient's: for the sender such a message
// is deleted (9). Antivirus-refused (3, EV8 for the EICAR test signature)
// and system messages never move to a vault. Expiries are applied oldest
// first, so a full vault takes the messages that expired first.
//
// Status codes: 0000; 0002, 0003, 0009 (search); 1004 search not allowed;
// 1007 malformed box ID; 1109 ambiguous search; 1200 size limit; 1201
// sending from an inaccessible box; 1211 a message of the other direction;
// 1214 attachment refused (format not allowed, MIME type not matching the
// extension, content not recognised, more than 100 files or 10 containers;
// the text ends with ": <file name>"); 1218 missing privilege; 1219 message
// unknown or deleted; 1222 received message not yet delivered; 1229 sent
// message not yet delivered; 1232 recipient refuses commercial messages;
// 1233 neither party is an OVM; 2006 unknown operation; 3008 more than
// Options.MaxParallel monitored requests of one box at once; 3009 a
// throttled account (Account.Throttled) with a monitored request running;
// 5001 unknown box; 9500 failure. The sources name no code for refusing a
// recipient box that is inaccessible, the sender's own or a system box:
// the sandbox answers 5001 with a text saying which.
//
// Limits: documents of a message at most 20 MiB (Options.MaxAttachmentBytes;
// the sources do not say MB or MiB), 100 files of which 10 containers,
// file names 255 characters, dmAnnotation 255, reference numbers 50;
// allowed formats are those of Vyhláška 194/2009 Sb. (Příloha 3) as ISDS
// applies them, content checked by signature for PDF, Office, images, XML,
// ZIP and CMS files. Input text is sanitised as ISDS does. Requests over
// Options.MaxBodyBytes (32 MiB) get HTTP 413.
//
// Signed downloads are ZFOs in the real format (package certs/zfo): BER
// CMS signed by the sandbox's "ISDS" seal, messages with a signature time
// stamp; every message carries dmHash (SHA-256 over the raw dmDm bytes)
// and a dmQTimestamp from the sandbox TSA (package certs/tsa), stamped when
// the message was accepted. Seal and TSA certificates come from
// Options.CA (konektor's development CA) or from a CA of the sandbox's
// own; Roots returns what a verifier must trust.
//
// Data: SeedBoxes (box IDs with valid check characters: the demo OVM box
// BoxDemoOVM of client 999002, BoxRegion of 999003, a company, a person, a
// lawyer, an inaccessible box, the system box aaaaaaa), SeedAccounts
// (NAME.spravce with every privilege, NAME.prehled that only views; all
// passwords "Sandbox-heslo-1"), and with Options.SeedMessages three
// messages dated in the past. The sandbox keeps messages in memory and
// does not bound their number.
package sim
