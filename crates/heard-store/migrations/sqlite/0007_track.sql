-- The resident's side ("track my case"): the keys that sign links sent to residents,
-- and the one-time codes that let a resident in by case reference and email address.
-- The PostgreSQL twin is ../postgres/.

-- Secrets made by heard itself on first use, one per purpose, shared by every node.
CREATE TABLE site_keys (
    name        TEXT PRIMARY KEY,
    secret      TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

-- A code sent to the address a case was raised with. Only a keyed hash of the code is
-- kept; a code works once, until it expires, and dies after a few wrong guesses.
CREATE TABLE track_codes (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    identity    TEXT NOT NULL,
    code_hash   TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    used_at     INTEGER
);
CREATE INDEX track_codes_case ON track_codes(case_id, created_at);

-- Case events already turned into updates for residents: one row each, claimed in the
-- transaction that queues the emails, so two nodes never send the same update. The
-- first row marks where heard started telling (older events are never sent).
CREATE TABLE resident_notices (
    event_id    INTEGER PRIMARY KEY,
    case_id     INTEGER,
    at          INTEGER NOT NULL,
    sent        INTEGER NOT NULL DEFAULT 0
);

-- Residents who asked for no more emails about a case.
CREATE TABLE update_opt_outs (
    case_id     INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    PRIMARY KEY (case_id, customer_id)
);
