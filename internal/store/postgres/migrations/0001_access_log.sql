-- 0001: the access log. One row per exchange, append-only; the hash chain
-- over the rows is computed and verified by gateway/audit.
CREATE TABLE access_log (
    seq             BIGINT      PRIMARY KEY CHECK (seq >= 1),
    received_at     TIMESTAMPTZ NOT NULL,
    correlation_id  TEXT        NOT NULL,
    upstream        TEXT        NOT NULL,
    service         TEXT        NOT NULL,
    ais             TEXT        NOT NULL,
    ovm             TEXT        NOT NULL,
    agenda          TEXT        NOT NULL,
    role            TEXT        NOT NULL,
    user_name       TEXT        NOT NULL,
    purpose         TEXT        NOT NULL,
    subject         TEXT        NOT NULL,
    outcome         TEXT        NOT NULL,
    upstream_status TEXT        NOT NULL,
    reason          TEXT        NOT NULL,
    latency_us      BIGINT      NOT NULL,
    request_sha256  TEXT        NOT NULL,
    response_sha256 TEXT        NOT NULL,
    sealed          BOOLEAN     NOT NULL,
    evidence        TEXT        NOT NULL,
    prev_hash       TEXT        NOT NULL,
    hash            TEXT        NOT NULL
);

-- Defence in depth: konektor never changes or removes a row. Whoever
-- disables these triggers to tamper with the table is caught by the hash chain.
CREATE FUNCTION access_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'access_log is append-only';
END
$$;

CREATE TRIGGER access_log_no_change BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION access_log_append_only();

CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
    FOR EACH STATEMENT EXECUTE FUNCTION access_log_append_only();
