-- The audit log: every read of a customer's or case's personal data and every change,
-- who did it, when and from where. Append-only and hash-chained (see src/audit.rs): each
-- row's hash is SHA-256 over the previous row's hash and this row's fields, so changing,
-- removing or reordering a row breaks the chain at that row. The PostgreSQL twin is
-- ../postgres/.
--
-- No foreign keys on purpose: erasing a customer or removing a user must not reach into
-- the record of who saw them.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,        -- 1, 2, 3…: assigned by the appender, no gaps
    at           INTEGER NOT NULL,           -- when it happened (Unix ms)
    actor_id     INTEGER,                    -- users.id; NULL for systems and failed sign-ins
    actor        TEXT NOT NULL,              -- email, or 'cli', or the address tried
    action       TEXT NOT NULL,              -- e.g. case.read, case.status, session.sign_in
    target_kind  TEXT,                       -- case, customer, contact, attachment, …
    target       TEXT,                       -- its reference or id
    case_ref     TEXT,                       -- the case concerned, when known
    customer_id  INTEGER,                    -- the customer concerned, when known
    source       TEXT,                       -- client IP address, or 'cli'
    detail       TEXT NOT NULL DEFAULT '{}', -- JSON, hashed exactly as stored
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at, id);
CREATE INDEX audit_log_actor ON audit_log(actor, at);
CREATE INDEX audit_log_customer ON audit_log(customer_id, at) WHERE customer_id IS NOT NULL;
CREATE INDEX audit_log_case ON audit_log(case_ref, at) WHERE case_ref IS NOT NULL;
CREATE INDEX audit_log_action ON audit_log(action, at);

-- Append-only in the database itself, whoever connects.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused');
END;
