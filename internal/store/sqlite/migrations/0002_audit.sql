-- 0002: what auditors need (issue 6): indexes for keyset-paged searches,
-- signed checkpoints, retention that may cut the log only at a checkpoint,
-- and encrypted bodies.

-- Searches list entries in (received_at_us, seq) order; seq is the rowid,
-- so every index below ends in it implicitly. Every index costs appends:
-- in a large log each entry dirties one leaf page per index whose column
-- has many values (WAL writes whole pages), while columns with a handful
-- of values (upstream, outcome) append to a few hot leaves. Role, service
-- and purpose have no index: they are filtered while walking another one,
-- which is cheap for their common values.
CREATE INDEX access_log_time     ON access_log (received_at_us);
CREATE INDEX access_log_upstream ON access_log (upstream, received_at_us);
CREATE INDEX access_log_outcome  ON access_log (outcome, received_at_us);
CREATE INDEX access_log_ais      ON access_log (ais, received_at_us);
CREATE INDEX access_log_ovm      ON access_log (ovm, received_at_us);
CREATE INDEX access_log_agenda   ON access_log (agenda, received_at_us);
CREATE INDEX access_log_user     ON access_log (user_name, received_at_us);
CREATE INDEX access_log_subject  ON access_log (subject, received_at_us);

-- Signed checkpoints: "entry seq had hash head". Never changed or removed.
CREATE TABLE access_checkpoint (
    seq         INTEGER PRIMARY KEY CHECK (seq >= 1),
    head        TEXT    NOT NULL,
    made_at_us  INTEGER NOT NULL,
    prev        TEXT    NOT NULL,
    cert_sha256 TEXT    NOT NULL,
    algorithm   TEXT    NOT NULL,
    signature   BLOB    NOT NULL,
    time_stamp  BLOB,
    hash        TEXT    NOT NULL UNIQUE
) STRICT;

CREATE TRIGGER access_checkpoint_no_update BEFORE UPDATE ON access_checkpoint
BEGIN
    SELECT RAISE(ABORT, 'access_checkpoint is append-only');
END;

CREATE TRIGGER access_checkpoint_no_delete BEFORE DELETE ON access_checkpoint
BEGIN
    SELECT RAISE(ABORT, 'access_checkpoint is append-only');
END;

-- Retention: entries with seq <= pruned_through have been removed. The
-- start moves only forward and only to a checkpoint, so the first retained
-- entry always links to a signed head.
CREATE TABLE access_retention (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    pruned_through INTEGER NOT NULL CHECK (pruned_through >= 0)
) STRICT;

INSERT INTO access_retention (id, pruned_through) VALUES (1, 0);

CREATE TRIGGER access_retention_forward BEFORE UPDATE ON access_retention
WHEN NEW.id <> OLD.id OR NEW.pruned_through < OLD.pruned_through
  OR NOT EXISTS (SELECT 1 FROM access_checkpoint WHERE seq = NEW.pruned_through)
BEGIN
    SELECT RAISE(ABORT, 'access_retention moves forward only, and only to a checkpoint');
END;

CREATE TRIGGER access_retention_no_delete BEFORE DELETE ON access_retention
BEGIN
    SELECT RAISE(ABORT, 'access_retention cannot be removed');
END;

-- The access log stays append-only, except for pruning below the start.
DROP TRIGGER access_log_no_delete;

CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
WHEN OLD.seq > COALESCE((SELECT pruned_through FROM access_retention WHERE id = 1), 0)
BEGIN
    SELECT RAISE(ABORT, 'access_log is append-only (only entries through the retention start may be pruned)');
END;

-- Bodies, encrypted by konektor before they reach the database.
CREATE TABLE access_body (
    seq    INTEGER NOT NULL CHECK (seq >= 1),
    kind   TEXT    NOT NULL CHECK (kind IN ('request', 'response')),
    key_id TEXT    NOT NULL,
    nonce  BLOB    NOT NULL,
    data   BLOB    NOT NULL,
    PRIMARY KEY (seq, kind)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER access_body_no_update BEFORE UPDATE ON access_body
BEGIN
    SELECT RAISE(ABORT, 'access_body is append-only');
END;

CREATE TRIGGER access_body_no_delete BEFORE DELETE ON access_body
WHEN OLD.seq > COALESCE((SELECT pruned_through FROM access_retention WHERE id = 1), 0)
BEGIN
    SELECT RAISE(ABORT, 'access_body is append-only (only bodies through the retention start may be pruned)');
END;
