-- What staff do with an emerging issue (issue 7): their decisions on alarms, problem
-- records linking many cases (ITIL), and learning actions from complaints, problems and
-- MOT days.

-- One decision per alarm, keyed by its unit (the detector's category, i.e. the service's
-- name or the across-services pass, and the site) and the first day of its window, which
-- stays put while the alarm is re-raised day after day. A dismissal quietens the unit (see
-- heard_store::problems::quietened).
CREATE TABLE alarm_decisions (
    id           INTEGER PRIMARY KEY,
    category     TEXT NOT NULL,
    site         TEXT NOT NULL,
    starts_on    TEXT NOT NULL,                 -- YYYY-MM-DD
    raised_on    TEXT NOT NULL,                 -- YYYY-MM-DD
    window_days  INTEGER NOT NULL,
    score        REAL NOT NULL,
    label        TEXT NOT NULL DEFAULT '',
    decision     TEXT NOT NULL,                 -- acknowledged, dismissed
    reason       TEXT NOT NULL DEFAULT '',
    problem_id   INTEGER,
    decided_by   INTEGER REFERENCES users(id),
    decided_at   INTEGER NOT NULL,
    UNIQUE (category, site, starts_on)
);

CREATE TABLE problems (
    id           INTEGER PRIMARY KEY,
    title        TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'open',  -- open, known_error, resolved
    owner_id     INTEGER REFERENCES users(id),
    root_cause   TEXT NOT NULL DEFAULT '',
    workaround   TEXT NOT NULL DEFAULT '',
    fix          TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL DEFAULT '',      -- the alarm it was opened from, in words
    created_by   INTEGER REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    resolved_at  INTEGER
);

CREATE TABLE problem_cases (
    problem_id   INTEGER NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
    case_id      INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    added_by     INTEGER REFERENCES users(id),
    added_at     INTEGER NOT NULL,
    PRIMARY KEY (problem_id, case_id)
);
CREATE INDEX problem_cases_case ON problem_cases (case_id);

-- Learning actions: from a complaint case, a problem or an MOT day (a service and a day).
CREATE TABLE learning_actions (
    id           INTEGER PRIMARY KEY,
    source       TEXT NOT NULL,                 -- complaint, problem, mot
    case_id      INTEGER REFERENCES cases(id),
    problem_id   INTEGER REFERENCES problems(id),
    mot_service  TEXT,                          -- service slug of the MOT day
    mot_on       TEXT,                          -- YYYY-MM-DD
    what         TEXT NOT NULL,
    kind         TEXT NOT NULL,                 -- ict_fix, process_change, training, learning_opportunity
    owner_id     INTEGER NOT NULL REFERENCES users(id),
    due_on       TEXT NOT NULL,                 -- YYYY-MM-DD
    status       TEXT NOT NULL DEFAULT 'open',  -- open, done
    evidence     TEXT NOT NULL DEFAULT '',
    created_by   INTEGER REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    done_at      INTEGER
);
CREATE INDEX learning_actions_owner ON learning_actions (owner_id, status, due_on);
