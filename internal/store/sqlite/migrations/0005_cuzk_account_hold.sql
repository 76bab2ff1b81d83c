-- 0005: ČÚZK WSDP accounts held out of use after ČÚZK refused a login
-- (issue 8). Three refused logins lock an account at ČÚZK for 15 minutes
-- for everyone, so the first refusal is recorded here, where every node
-- sees it, and no node sends the account again until the hold ends.
-- Times: microseconds since 1970-01-01T00:00:00Z. secret_fp is a
-- fingerprint of the refused secret, never the secret. released_at_us is
-- NULL while the hold is in force; a released record keeps the refused
-- fingerprint so that no node sends that secret again.
CREATE TABLE cuzk_account_hold (
    account        TEXT    PRIMARY KEY,
    since_us       INTEGER NOT NULL,
    reason         TEXT    NOT NULL,
    node           TEXT    NOT NULL,
    secret_fp      TEXT    NOT NULL,
    released_at_us INTEGER,
    released_by    TEXT    NOT NULL DEFAULT ''
) STRICT;
