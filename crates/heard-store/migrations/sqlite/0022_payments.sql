-- Payments by link through GOV.UK Pay (issue 6): an agent asks Pay for a payment on a case
-- and its link goes to the resident by email or text. Only what Pay tells us about the
-- payment is kept (its id, link, state); card details never reach heard.
CREATE TABLE case_payments (
    id                INTEGER PRIMARY KEY,
    case_id           INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    amount_pence      INTEGER NOT NULL,
    description       TEXT NOT NULL,
    reference         TEXT NOT NULL,          -- ours, sent to Pay: the case reference
    pay_id            TEXT NOT NULL UNIQUE,   -- Pay's payment_id
    next_url          TEXT NOT NULL,          -- where the resident pays
    status            TEXT NOT NULL,          -- Pay's: created, started, submitted, capturable, success, failed, cancelled, error
    failure_code      TEXT,                   -- Pay's state.code when it failed (P0010, P0020…)
    sent_by           TEXT NOT NULL,          -- email, sms
    sent_to           TEXT NOT NULL,
    language          TEXT NOT NULL DEFAULT 'en',
    return_token_hash TEXT NOT NULL UNIQUE,   -- SHA-256 of the return page's token
    created_by        INTEGER REFERENCES users(id),
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    finished_at       INTEGER,
    next_check_at     INTEGER NOT NULL        -- when the poller next asks Pay (unfinished only)
);
CREATE INDEX case_payments_case ON case_payments (case_id);
CREATE INDEX case_payments_due ON case_payments (finished_at, next_check_at);
