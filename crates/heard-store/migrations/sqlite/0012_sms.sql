-- Text messages out through GOV.UK Notify (issue 3 and 9): a persistent outbox like
-- email's, so a message queued is sent exactly when it was recorded, retried while Notify
-- is away, and never lost.
CREATE TABLE sms_outbox (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER REFERENCES cases(id) ON DELETE SET NULL,
    to_number       TEXT NOT NULL,          -- E.164
    body            TEXT NOT NULL,
    reference       TEXT NOT NULL,          -- ours, sent to Notify, unique per message
    status          TEXT NOT NULL DEFAULT 'pending',   -- pending, sent, failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    notify_id       TEXT,                   -- Notify's id for the notification
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
CREATE INDEX sms_outbox_due ON sms_outbox(status, next_attempt_at);
CREATE INDEX sms_outbox_case ON sms_outbox(case_id);
