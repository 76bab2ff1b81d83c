// Package audit keeps konektor's access log: one entry per exchange, chained
// by SHA-256 hashes so that an auditor can prove the log is whole.
//
// A Recorder appends entries for the pipeline's record stage; it returns
// only once an entry is durably stored, so an answer never leaves without
// its log entry. Verify walks the chain and names the first bad entry.
// Export writes a time range as JSON Lines or CSV.
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
// entries were cut off the end, or that the whole tail was re-hashed; for
// that an auditor compares Report.Head with a head noted earlier (signed
// checkpoints will publish heads).
package audit
