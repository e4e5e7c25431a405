-- Retention schedules (issue 8): the record of every case whose personal data the
-- schedule removed, with the rule that removed it. A case listed here is never taken
-- again.
CREATE TABLE retention_log (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL UNIQUE REFERENCES cases(id) ON DELETE CASCADE,
    rule        TEXT NOT NULL,
    closed_at   INTEGER NOT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX cases_closed ON cases(closed_at) WHERE closed_at IS NOT NULL;
