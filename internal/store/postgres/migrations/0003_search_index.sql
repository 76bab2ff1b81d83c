-- 0003: the search indexes move out of the append path (issue 6, speed).
-- Every index on access_log cost each append transaction index inserts
-- and WAL (full-page images of random leaf pages in a large log). The log
-- keeps only its primary key; access_search holds the searchable columns
-- with the indexes, filled from the log in the background by konektor's
-- search indexer in large, asynchronously committed transactions.
-- Searches read it through indexed_through and the log after that.
--
-- Entries are grouped in buckets of 65 536 consecutive seqs
-- (bucket = (seq - 1) >> 16) and every index leads with the bucket: new
-- entries go into the newest bucket's small part of each index, however
-- large the log grows. access_search_bucket keeps each bucket's time
-- range; a search walks buckets newest first and stops early.
DROP INDEX access_log_time;
DROP INDEX access_log_upstream;
DROP INDEX access_log_outcome;
DROP INDEX access_log_ais;
DROP INDEX access_log_ovm;
DROP INDEX access_log_agenda;
DROP INDEX access_log_user;
DROP INDEX access_log_subject;

CREATE TABLE access_search (
    seq         BIGINT      PRIMARY KEY,
    received_at TIMESTAMPTZ NOT NULL,
    upstream    TEXT        NOT NULL,
    service     TEXT        NOT NULL,
    ais         TEXT        NOT NULL,
    ovm         TEXT        NOT NULL,
    agenda      TEXT        NOT NULL,
    role        TEXT        NOT NULL,
    user_name   TEXT        NOT NULL,
    outcome     TEXT        NOT NULL,
    subject     TEXT        NOT NULL,
    purpose     TEXT        NOT NULL,
    bucket      BIGINT      NOT NULL
);

CREATE TABLE access_search_bucket (
    bucket   BIGINT      PRIMARY KEY,
    min_time TIMESTAMPTZ NOT NULL,
    max_time TIMESTAMPTZ NOT NULL
);

-- Entries through indexed_through are in access_search.
CREATE TABLE access_search_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    indexed_through BIGINT  NOT NULL CHECK (indexed_through >= 0)
);

-- An existing log is copied here once; new entries by the indexer.
INSERT INTO access_search (seq, received_at, upstream, service, ais, ovm, agenda, role, user_name, outcome, subject, purpose, bucket)
SELECT seq, received_at, upstream, service, ais, ovm, agenda, role, user_name, outcome, subject, purpose, (seq - 1) >> 16
FROM access_log;
INSERT INTO access_search_bucket (bucket, min_time, max_time)
SELECT (seq - 1) >> 16, MIN(received_at), MAX(received_at) FROM access_log GROUP BY 1;
INSERT INTO access_search_state (id, indexed_through) VALUES (1, COALESCE((SELECT MAX(seq) FROM access_log), 0));

-- Searches list entries in (received_at, seq) order; role, service and
-- purpose have no index: they are filtered while walking another one.
CREATE INDEX access_search_time     ON access_search (bucket, received_at, seq);
CREATE INDEX access_search_upstream ON access_search (bucket, upstream, received_at, seq);
CREATE INDEX access_search_outcome  ON access_search (bucket, outcome, received_at, seq);
CREATE INDEX access_search_ais      ON access_search (bucket, ais, received_at, seq);
CREATE INDEX access_search_ovm      ON access_search (bucket, ovm, received_at, seq);
CREATE INDEX access_search_agenda   ON access_search (bucket, agenda, received_at, seq);
CREATE INDEX access_search_user     ON access_search (bucket, user_name, received_at, seq);
CREATE INDEX access_search_subject  ON access_search (bucket, subject, received_at, seq);
