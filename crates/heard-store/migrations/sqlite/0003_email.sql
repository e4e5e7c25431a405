-- Email: what the email channel keeps beside contacts (the PostgreSQL twin is ../postgres/).

-- Auto-replies, out-of-office answers, bounces and mail loops: recognised and kept (with
-- the raw message in the attachment store), but never a contact that opens a case.
CREATE TABLE email_notices (
    id           INTEGER PRIMARY KEY,
    message_id   TEXT NOT NULL UNIQUE,      -- without angle brackets; a repeat is the same notice
    kind         TEXT NOT NULL,             -- auto_reply, bounce, loop
    sender       TEXT NOT NULL,
    subject      TEXT,
    case_id      INTEGER REFERENCES cases(id) ON DELETE SET NULL,  -- the case it answers, if threaded
    raw_sha256   TEXT NOT NULL,
    raw_size     INTEGER NOT NULL,
    detail       TEXT NOT NULL DEFAULT '{}', -- JSON: why it was recognised, bounced addresses
    received_at  INTEGER NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX email_notices_case ON email_notices(case_id);

-- Replies waiting to leave by SMTP. A row is written before any attempt, so a reply is
-- never lost; a failed attempt pushes next_attempt_at back (exponential back-off).
CREATE TABLE email_outbox (
    id               INTEGER PRIMARY KEY,
    case_id          INTEGER REFERENCES cases(id) ON DELETE SET NULL,
    message_id       TEXT NOT NULL UNIQUE,  -- without angle brackets
    in_reply_to      TEXT,
    thread_refs      TEXT NOT NULL DEFAULT '',  -- References, space-separated, without brackets
    from_addr        TEXT NOT NULL,
    to_addr          TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    attachments      TEXT NOT NULL DEFAULT '[]', -- JSON: [{filename, content_type, sha256}]
    status           TEXT NOT NULL,             -- pending, sent, failed
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    last_error       TEXT,
    created_at       INTEGER NOT NULL,
    sent_at          INTEGER
);
CREATE INDEX email_outbox_due ON email_outbox(status, next_attempt_at);
CREATE INDEX email_outbox_case ON email_outbox(case_id);

-- IMAP intake position per mailbox: a message is handled (stored, then flagged and moved)
-- before last_uid passes it, so a restart neither re-imports nor skips one.
CREATE TABLE imap_mailboxes (
    account       TEXT NOT NULL,
    mailbox       TEXT NOT NULL,
    uid_validity  INTEGER NOT NULL,
    last_uid      INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (account, mailbox)
);
