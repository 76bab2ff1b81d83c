-- 0003: the search indexes move out of the log (issue 6, speed). Every
-- index cost the append transaction one random leaf page per entry in a
-- large log, fsynced with it. The log keeps only its primary key; the
-- indexes live in the derived search file next to it (see search.go),
-- filled in the background and rebuilt from the log when missing.
DROP INDEX access_log_time;
DROP INDEX access_log_upstream;
DROP INDEX access_log_outcome;
DROP INDEX access_log_ais;
DROP INDEX access_log_ovm;
DROP INDEX access_log_agenda;
DROP INDEX access_log_user;
DROP INDEX access_log_subject;
