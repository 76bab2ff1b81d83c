// Package audit keeps konektor's access log: one entry per exchange, chained
// by SHA-256 hashes so that an auditor can prove the log is whole.
//
// A Recorder appends entries for the pipeline's record stage; it returns
// only once an entry is durably stored, so an answer never leaves without
// its log entry (RecordBodies also keeps the bodies, encrypted). A
// Checkpointer signs the chain head with the seal key every N entries or
// T seconds and has it time-stamped (RFC 3161). Verify walks the chain and
// names the first bad entry; VerifyLog also checks every checkpoint, its
// time stamp and the head it states; a Monitor keeps that status cheaply
// for the auditor's page. Export and ExportQuery write entries as JSON
// Lines or CSV; WriteBundle and VerifyBundle make and check an offline
// bundle. Prune applies the retention period, cutting only at checkpoints.
//
// # Hash chain, version 1
//
// Every entry carries PrevHash, the Hash of the entry before it ("" for the
// first entry, Seq 1), and Hash, computed as follows so that anyone can
// re-implement it:
//
//	Hash = lowercase hex of SHA-256(message)
//	message = item("konektor-access-v1") || item(name_1) || item(value_1) || … || item(name_21) || item(value_21)
//	item(s) = decimal byte length of s || ":" || s || ","     (a netstring; s is UTF-8)
//
// The 21 (name, value) pairs, always all of them and in this order, are:
//
//	seq              decimal, no sign or leading zeros (e.g. "42")
//	time             UTC, microseconds, "YYYY-MM-DDTHH:MM:SS.ffffffZ" (e.g. "2025-03-14T09:26:53.589793Z")
//	correlation_id   text
//	upstream         text
//	service          text
//	ais              text
//	ovm              text
//	agenda           text
//	role             text
//	user             text
//	purpose          text
//	subject          text
//	outcome          text
//	upstream_status  text
//	reason           text
//	latency_micros   decimal, "-" for negative values
//	request_sha256   text
//	response_sha256  text
//	sealed           "true" or "false"
//	evidence         text
//	prev_hash        text ("" for the first entry)
//
// The entry's own hash is not part of the message. Text is hashed exactly as
// stored (the Recorder has already replaced invalid UTF-8 and NUL with
// U+FFFD). Because every item carries its length, no two different entries
// share a message. The names in the export formats are the same as above,
// plus "hash", and CSV cells hold exactly the values above, so an exported
// range can be re-hashed line by line.
//
// Example (the known-answer vector of TestHashKnownAnswer): the entry with
// seq 1, time 2025-03-14T09:26:53.589793Z, correlation_id "c-1", upstream
// "iszr", service "E03", ais "1234", ovm "00064581", agenda "A121", role
// "CR1234", user "jnovak", purpose "ověření", subject "s", outcome "ok",
// upstream_status "OK", latency_micros 1500, request_sha256 "aa",
// response_sha256 "bb", sealed true and the other fields empty has the message
//
//	18:konektor-access-v1,3:seq,1:1,4:time,27:2025-03-14T09:26:53.589793Z,14:correlation_id,3:c-1,
//	8:upstream,4:iszr,7:service,3:E03,3:ais,4:1234,3:ovm,8:00064581,6:agenda,4:A121,4:role,6:CR1234,
//	4:user,6:jnovak,7:purpose,10:ověření,7:subject,1:s,7:outcome,2:ok,15:upstream_status,2:OK,
//	6:reason,0:,14:latency_micros,4:1500,14:request_sha256,2:aa,15:response_sha256,2:bb,
//	6:sealed,4:true,8:evidence,0:,9:prev_hash,0:,
//
// (one line, without the line breaks) and the hash
// 42a93082d41e7579056a7073a329576f0846744acb36ba75c8eace1ae338e152.
//
// A future change to the entry will use a new version string; entries keep
// the version they were written with.
//
// What the chain proves: no entry was changed, removed, inserted or moved
// without rewriting every later entry. It cannot by itself reveal that
// entries were cut off the end, or that the whole tail was re-hashed;
// signed checkpoints do, up to the last checkpoint.
//
// # Checkpoints, version 1
//
// A checkpoint states "entry Seq had hash Head". Its message is built like
// an entry's, with the version "konektor-checkpoint-v1" and the pairs
//
//	seq           decimal
//	head          the Hash of entry seq
//	time          when it was made, UTC microseconds as above
//	prev          the Hash of the previous checkpoint ("" for the first)
//	cert_sha256   lowercase hex SHA-256 of the seal certificate (DER)
//	algorithm     rsa-pkcs1v15-sha256 | ecdsa-sha256 | ed25519
//
// Hash = lowercase hex SHA-256(message). Signature: RSASSA-PKCS1-v1_5 or
// ECDSA (ASN.1) over SHA-256(message), or Ed25519 over the message, with
// the seal key. The RFC 3161 time stamp (TimeStampToken, DER) covers
// SHA-256(Signature): it proves the signature existed at the stamped time.
// Example (TestCheckpointKnownAnswer): seq 10, head "ab", time
// 2025-03-14T09:26:53.589793Z, prev "", cert_sha256 "cc", algorithm
// ecdsa-sha256 hash to
// 2d49a6ffd9193cb1695436614d6e2048340393887fb44e70109b79a46249239b.
//
// VerifyLog (and VerifyBundle) report, besides the entry problems above: a
// checkpoint whose hash or signature does not verify, or whose certificate
// is not trusted (forged); one that does not link to the previous
// checkpoint (removed, inserted, moved); an entry whose hash differs from
// the head a checkpoint states (the log re-hashed); a checkpoint past the
// last entry (entries cut off: detectable up to the last checkpoint); a
// time stamp that does not verify against the TSA roots. Entries after the
// last checkpoint (Report.Unsealed) can still be cut without a trace; the
// checkpoint interval bounds how long that window stays open. Whoever
// holds the seal key can forge checkpoints: the time stamps then show when
// they were made.
//
// # Retention
//
// Prune cuts the log only through a checkpoint made before now-period, and
// the store allows no other removal (its triggers check that entries are
// removed only through the recorded start, which moves forward to a
// checkpoint only). The first retained entry links to that checkpoint's
// head, so the log stays verifiable from there; checkpoints are kept.
//
// # Stored bodies
//
// With store_bodies, RecordBodies keeps the request and the response as
// sent (the sealed answer where answers are sealed), AES-256-GCM encrypted
// in the same transaction as the entry. The additional data binds a body
// to its entry (kind, correlation id and the entry's SHA-256 of it); the
// key id is "k" and the first 16 hex digits of SHA-256("konektor-body-key-id"
// NUL key), so old keys keep working after a change.
//
// # Offline bundle, version 1
//
// JSON Lines: a header {"format":"konektor-audit-bundle","version":1,
// "created", "start", "seal_certificates":[PEM…], "tsa_roots":[PEM…]}, then
// the log in order, {"entry":{…}} (the export record) and
// {"checkpoint":{…}} (signature and time_stamp in base64) right after the
// entry it covers, then {"end":{"entries":N,"checkpoints":M}}. A bundle of
// a period starts at the checkpoint before it (start > 0: its first line
// is that checkpoint, which the first entry links to) and ends at the
// checkpoint after it. VerifyBundle needs no store; without trust given it
// uses the bundle's certificates and says so (compare their fingerprints
// with those the technology centre publishes).
package audit
