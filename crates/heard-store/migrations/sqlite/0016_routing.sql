-- Routing learned from history (issue 5): every correction an agent makes to where the
-- model (or triage) sent a case, the next training's strongest evidence. A case is
-- corrected once: later moves are ordinary transfers.
CREATE TABLE routing_corrections (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL UNIQUE REFERENCES cases(id) ON DELETE CASCADE,
    -- What intake decided: `model` (confident) or `triage` (not), the service it chose or
    -- guessed, and how sure it was.
    routed_by   TEXT NOT NULL,
    predicted   TEXT NOT NULL,
    confidence  REAL NOT NULL,
    corrected   TEXT NOT NULL,
    actor_id    INTEGER REFERENCES users(id),
    at          INTEGER NOT NULL
);
CREATE INDEX routing_corrections_at ON routing_corrections(at);
