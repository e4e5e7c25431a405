-- Satisfaction (issue 9): the one question a resident answers when their case closes.
-- Service, channel and owner are kept as they were when answered, for the reports.
CREATE TABLE satisfaction (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    score       INTEGER NOT NULL,            -- 1 very dissatisfied … 5 very satisfied
    comment     TEXT NOT NULL DEFAULT '',
    unhappy     BOOLEAN NOT NULL,
    service_id  INTEGER NOT NULL REFERENCES services(id),
    channel     TEXT,                   -- how the case first reached us
    owner_id    INTEGER REFERENCES users(id),
    at          INTEGER NOT NULL,
    UNIQUE (case_id, customer_id)
);
CREATE INDEX satisfaction_at ON satisfaction(at);
