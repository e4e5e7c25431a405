-- The Complaint Handling Code (issue 6): one row per complaint case with what applies to the
-- whole complaint, one row per stage (there are exactly two), each with its deadlines as
-- the code sets them. Outstanding actions from a response are case follow-ups; learning is
-- kept on the stage and can become a learning action.
CREATE TABLE complaints (
    case_id          BIGINT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    category         TEXT NOT NULL DEFAULT '',
    matter_on        TEXT,                   -- YYYY-MM-DD: when the matter complained of happened
    late_decision    TEXT,                   -- accepted, refused: for a matter over 12 months old
    late_reasons     TEXT NOT NULL DEFAULT '',
    adjustments      TEXT NOT NULL DEFAULT '', -- reasonable adjustments, kept in view
    ombudsman        TEXT NOT NULL DEFAULT 'local_government',
    ombudsman_ref    TEXT NOT NULL DEFAULT '',
    refusal          TEXT,                   -- heard_core::complaint::Refusal
    refusal_reasons  TEXT NOT NULL DEFAULT '',
    refused_at       BIGINT,
    refused_by       BIGINT REFERENCES users(id)
);

CREATE TABLE complaint_stages (
    case_id            BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    stage              BIGINT NOT NULL,      -- 1 or 2
    received_at        BIGINT NOT NULL,
    acknowledge_due_at BIGINT,
    acknowledged_at    BIGINT,
    acknowledged_by    BIGINT REFERENCES users(id),
    understood         TEXT NOT NULL DEFAULT '',
    outcome_sought     TEXT NOT NULL DEFAULT '',
    respond_due_at     BIGINT,
    extended_days      BIGINT NOT NULL DEFAULT 0,
    extension_reasons  TEXT NOT NULL DEFAULT '',
    handler_id         BIGINT REFERENCES users(id),
    responded_at       BIGINT,
    responded_by       BIGINT REFERENCES users(id),
    decision           TEXT,                 -- upheld, partly_upheld, not_upheld
    reasons            TEXT NOT NULL DEFAULT '',
    remedy             TEXT NOT NULL DEFAULT '',
    actions            BIGINT NOT NULL DEFAULT 0,
    learning           TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, stage)
);
CREATE INDEX complaint_stages_received ON complaint_stages (received_at);
