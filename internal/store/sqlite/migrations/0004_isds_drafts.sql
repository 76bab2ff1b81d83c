-- 0004: drafts of data messages (issue 7). A client that may prepare but
-- not send messages of a data box has its CreateMessage checked and kept
-- here; a client with the send privilege sends it later (SendDraft).
-- Times: microseconds since 1970-01-01T00:00:00Z. request is the SOAP
-- request to ISDS, dropped (NULL) once the draft is sent or discarded.
CREATE TABLE isds_draft (
    id             TEXT    PRIMARY KEY,
    box            TEXT    NOT NULL,
    state          TEXT    NOT NULL CHECK (state IN ('draft', 'sending', 'sent', 'unknown', 'discarded')),
    created_at_us  INTEGER NOT NULL,
    created_by     TEXT    NOT NULL,
    ovm            TEXT    NOT NULL,
    correlation_id TEXT    NOT NULL,
    recipient      TEXT    NOT NULL,
    annotation     TEXT    NOT NULL,
    files          INTEGER NOT NULL CHECK (files >= 0),
    size_bytes     INTEGER NOT NULL CHECK (size_bytes >= 0),
    request        BLOB,
    updated_at_us  INTEGER NOT NULL,
    done_by        TEXT    NOT NULL DEFAULT '',
    dm_id          TEXT    NOT NULL DEFAULT '',
    status         TEXT    NOT NULL DEFAULT '',
    CHECK (request IS NOT NULL OR state IN ('sent', 'discarded'))
) STRICT;

CREATE INDEX isds_draft_box ON isds_draft (box, created_at_us);
