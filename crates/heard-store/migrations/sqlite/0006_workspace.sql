-- The agent workspace: open jobs with their drafts, follow-ups, "no reply needed" marks,
-- who is looking at a case, and saved queue views. The PostgreSQL twin is ../postgres/.

-- A job is a case an agent has open in their tab strip. Its drafts live here, saved as
-- the agent types, so a reload, another browser tab or a new sign-in finds them intact.
CREATE TABLE agent_jobs (
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    case_id        INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    opened_at      INTEGER NOT NULL,
    colour         INTEGER NOT NULL,          -- palette index, distinct among one agent's jobs
    reply_channel  TEXT,
    reply_draft    TEXT NOT NULL DEFAULT '',
    note_draft     TEXT NOT NULL DEFAULT '',
    draft_saved_at INTEGER,
    PRIMARY KEY (user_id, case_id)
);
CREATE INDEX agent_jobs_case ON agent_jobs(case_id);

-- Something promised to the customer or to ourselves, by a date. An open follow-up
-- stops a case from closing.
CREATE TABLE case_follow_ups (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    due_at      INTEGER NOT NULL,
    note        TEXT NOT NULL,
    created_by  INTEGER REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    done_at     INTEGER,
    done_by     INTEGER REFERENCES users(id)
);
CREATE INDEX case_follow_ups_case ON case_follow_ups(case_id, due_at);

-- The next date someone must act on an open case (the earliest of its deadline and
-- its open follow-ups), kept by the code that changes either; drives "slipping".
ALTER TABLE cases ADD COLUMN next_action_at INTEGER;
-- Open cases from before this migration: their deadline, else two days after opening
-- (new cases get two working days, counted by the calendar, at intake).
UPDATE cases SET next_action_at = COALESCE(due_at, created_at + 172800000) WHERE status NOT IN ('resolved', 'closed');
CREATE INDEX cases_next_action ON cases(next_action_at, id) WHERE next_action_at IS NOT NULL;
CREATE INDEX cases_due ON cases(due_at, id) WHERE due_at IS NOT NULL;
-- The queues' own indexes (issue 4's figures, measured with `heard bench workspace`):
-- "slipping" and "awaiting customer" narrowed to a service; open cases by owner ("mine",
-- "unassigned") and by last activity ("all open"); and open cases by service and owner
-- for the counts of a queue narrowed to a service. Each queue's count (up to 1,000)
-- then reads at most 1,000 index entries instead of stepping over closed cases.
CREATE INDEX cases_service_next_action ON cases(service_id, next_action_at, id) WHERE next_action_at IS NOT NULL;
CREATE INDEX cases_status_service ON cases(status, service_id, updated_at DESC, id DESC);
CREATE INDEX cases_open_owner ON cases(owner_id, updated_at DESC, id DESC) WHERE status NOT IN ('resolved', 'closed');
CREATE INDEX cases_open_updated ON cases(updated_at DESC, id DESC) WHERE status NOT IN ('resolved', 'closed');
CREATE INDEX cases_open_service ON cases(service_id, owner_id) WHERE status NOT IN ('resolved', 'closed');

-- An inbound contact an agent decided needs no answer (a thank-you, a duplicate).
ALTER TABLE contacts ADD COLUMN no_reply_needed_by INTEGER REFERENCES users(id);

-- Who has a case open right now: refreshed by the page every few seconds.
CREATE TABLE case_presence (
    case_id  INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    seen_at  INTEGER NOT NULL,
    PRIMARY KEY (case_id, user_id)
);

-- A queue an agent named and kept: the query string of the cases page.
CREATE TABLE saved_views (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    query       TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (user_id, name)
);

-- Failed sign-ins in a row, and the lock they earned (see heard_core::user::lockout_after).
-- In the database, so every node sees the same lock.
ALTER TABLE users ADD COLUMN failed_sign_ins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until INTEGER;

-- A merge of one case into another, kept so it can be undone: which contacts and
-- follow-ups moved, and the status the merged case had.
CREATE TABLE case_merges (
    id             INTEGER PRIMARY KEY,
    from_case_id   INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    into_case_id   INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    contact_ids    TEXT NOT NULL,      -- JSON list
    follow_up_ids  TEXT NOT NULL,      -- JSON list
    from_status    TEXT NOT NULL,
    merged_at      INTEGER NOT NULL,
    merged_by      INTEGER REFERENCES users(id),
    undone_at      INTEGER
);
CREATE INDEX case_merges_into ON case_merges(into_case_id);

-- Service levels: while a case awaits the customer its clocks are paused, from this
-- moment; leaving that status moves due_at later by the working days the pause covered
-- (with a history entry) and clears it. A paused case is never "slipping".
ALTER TABLE cases ADD COLUMN clock_paused_at INTEGER;
UPDATE cases SET clock_paused_at = updated_at WHERE status = 'awaiting_customer';
