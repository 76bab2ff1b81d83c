-- 0001: the access log. One row per exchange, append-only; the hash chain
-- over the rows is computed and verified by gateway/audit.
-- received_at_us: microseconds since 1970-01-01T00:00:00Z.
CREATE TABLE access_log (
    seq             INTEGER PRIMARY KEY CHECK (seq >= 1),
    received_at_us  INTEGER NOT NULL,
    correlation_id  TEXT    NOT NULL,
    upstream        TEXT    NOT NULL,
    service         TEXT    NOT NULL,
    ais             TEXT    NOT NULL,
    ovm             TEXT    NOT NULL,
    agenda          TEXT    NOT NULL,
    role            TEXT    NOT NULL,
    user_name       TEXT    NOT NULL,
    purpose         TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    outcome         TEXT    NOT NULL,
    upstream_status TEXT    NOT NULL,
    reason          TEXT    NOT NULL,
    latency_us      INTEGER NOT NULL,
    request_sha256  TEXT    NOT NULL,
    response_sha256 TEXT    NOT NULL,
    sealed          INTEGER NOT NULL CHECK (sealed IN (0, 1)),
    evidence        TEXT    NOT NULL,
    prev_hash       TEXT    NOT NULL,
    hash            TEXT    NOT NULL
) STRICT;

-- Defence in depth: konektor never changes or removes a row. Whoever drops
-- these triggers to tamper with the file is caught by the hash chain.
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'access_log is append-only');
END;

CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'access_log is append-only');
END;
