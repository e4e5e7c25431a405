-- Replies out to Facebook and Instagram (issue 3): a persistent outbox for the Messenger
-- Platform's Send API, like the text message one, so a restart or a Meta outage loses
-- nothing. A row is `held` while its reply is being recorded and only then `pending`
-- (sendable); a held row whose reply never committed is dropped by the next round.
CREATE TABLE social_outbox (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER REFERENCES cases(id) ON DELETE SET NULL,
    contact_id      INTEGER REFERENCES contacts(id) ON DELETE SET NULL,  -- the outbound contact
    platform        TEXT NOT NULL,          -- facebook, instagram
    recipient       TEXT NOT NULL,          -- the customer's page-scoped id (PSID / IGSID)
    body            TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'held',   -- held, pending, sent, failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    message_id      TEXT,                   -- Meta's `message_id` for what it accepted
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
CREATE INDEX social_outbox_due ON social_outbox(status, next_attempt_at);
CREATE INDEX social_outbox_case ON social_outbox(case_id);
