-- 0002: what auditors need (issue 6): indexes for keyset-paged searches,
-- signed checkpoints, retention that may cut the log only at a checkpoint,
-- and encrypted bodies.

-- Searches list entries in (received_at, seq) order. Every index costs
-- appends; role, service and purpose have none: they are filtered while
-- walking another index, which is cheap for their common values.
CREATE INDEX access_log_time     ON access_log (received_at, seq);
CREATE INDEX access_log_upstream ON access_log (upstream, received_at, seq);
CREATE INDEX access_log_outcome  ON access_log (outcome, received_at, seq);
CREATE INDEX access_log_ais      ON access_log (ais, received_at, seq);
CREATE INDEX access_log_ovm      ON access_log (ovm, received_at, seq);
CREATE INDEX access_log_agenda   ON access_log (agenda, received_at, seq);
CREATE INDEX access_log_user     ON access_log (user_name, received_at, seq);
CREATE INDEX access_log_subject  ON access_log (subject, received_at, seq);

-- Any change to a guarded table is refused, naming the table.
CREATE FUNCTION konektor_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$$;

-- Signed checkpoints: "entry seq had hash head". Never changed or removed.
CREATE TABLE access_checkpoint (
    seq         BIGINT      PRIMARY KEY CHECK (seq >= 1),
    head        TEXT        NOT NULL,
    made_at     TIMESTAMPTZ NOT NULL,
    prev        TEXT        NOT NULL,
    cert_sha256 TEXT        NOT NULL,
    algorithm   TEXT        NOT NULL,
    signature   BYTEA       NOT NULL,
    time_stamp  BYTEA,
    hash        TEXT        NOT NULL UNIQUE
);

CREATE TRIGGER access_checkpoint_no_change BEFORE UPDATE OR DELETE ON access_checkpoint
    FOR EACH ROW EXECUTE FUNCTION konektor_append_only();
CREATE TRIGGER access_checkpoint_no_truncate BEFORE TRUNCATE ON access_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION konektor_append_only();

-- Retention: entries with seq <= pruned_through have been removed. The
-- start moves only forward and only to a checkpoint, so the first retained
-- entry always links to a signed head.
CREATE TABLE access_retention (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    pruned_through BIGINT  NOT NULL CHECK (pruned_through >= 0)
);

INSERT INTO access_retention (id, pruned_through) VALUES (1, 0);

CREATE FUNCTION access_retention_forward() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'access_retention cannot be removed';
    END IF;
    IF NEW.id <> OLD.id OR NEW.pruned_through < OLD.pruned_through
       OR NOT EXISTS (SELECT 1 FROM access_checkpoint WHERE seq = NEW.pruned_through) THEN
        RAISE EXCEPTION 'access_retention moves forward only, and only to a checkpoint';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER access_retention_forward BEFORE UPDATE OR DELETE ON access_retention
    FOR EACH ROW EXECUTE FUNCTION access_retention_forward();
CREATE TRIGGER access_retention_no_truncate BEFORE TRUNCATE ON access_retention
    FOR EACH STATEMENT EXECUTE FUNCTION konektor_append_only();

-- Rows of the access log and its bodies may be deleted only through the
-- retention start; nothing may be updated.
CREATE FUNCTION konektor_prune_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND OLD.seq <= COALESCE((SELECT pruned_through FROM access_retention WHERE id = 1), 0) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only (only rows through the retention start may be pruned)', TG_TABLE_NAME;
END
$$;

DROP TRIGGER access_log_no_change ON access_log;
CREATE TRIGGER access_log_no_change BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION konektor_prune_only();

-- Bodies, encrypted by konektor before they reach the database.
CREATE TABLE access_body (
    seq    BIGINT NOT NULL CHECK (seq >= 1),
    kind   TEXT   NOT NULL CHECK (kind IN ('request', 'response')),
    key_id TEXT   NOT NULL,
    nonce  BYTEA  NOT NULL,
    data   BYTEA  NOT NULL,
    PRIMARY KEY (seq, kind)
);

CREATE TRIGGER access_body_no_change BEFORE UPDATE OR DELETE ON access_body
    FOR EACH ROW EXECUTE FUNCTION konektor_prune_only();
CREATE TRIGGER access_body_no_truncate BEFORE TRUNCATE ON access_body
    FOR EACH STATEMENT EXECUTE FUNCTION konektor_append_only();
