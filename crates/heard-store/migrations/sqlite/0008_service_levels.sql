-- Service levels, second part (issue 6): the first-response deadline kept on its own,
-- the next-update target, and escalations to the team manager.

-- When the first response is due (set at intake; before this migration it lived only in
-- next_action_at and the 'created' history entry, so older cases have none).
ALTER TABLE cases ADD COLUMN first_response_due_at INTEGER;
-- When the customer first had an outbound contact: the first response.
ALTER TABLE cases ADD COLUMN responded_at INTEGER;
-- The level's next-update target in working days, fixed at intake like the deadlines;
-- NULL: none.
ALTER TABLE cases ADD COLUMN update_days INTEGER;
-- When the next update to the customer is due: update_days after the last outbound
-- contact. Feeds next_action_at.
ALTER TABLE cases ADD COLUMN update_due_at INTEGER;
UPDATE cases SET responded_at = (SELECT MIN(c.received_at) FROM contacts c WHERE c.case_id = cases.id AND c.direction = 'outbound');

-- The escalation job's candidates: open cases still waiting for a first response.
CREATE INDEX cases_first_response_open ON cases(first_response_due_at) WHERE responded_at IS NULL AND first_response_due_at IS NOT NULL AND status NOT IN ('resolved', 'closed');
CREATE INDEX cases_update_due_open ON cases(update_due_at) WHERE update_due_at IS NOT NULL AND status NOT IN ('resolved', 'closed');

-- One row per missed deadline: a case is escalated once for each (target, deadline),
-- however many nodes run the check and however often; a deadline moved later (a pause)
-- and missed again is a new breach.
CREATE TABLE case_escalations (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    target      TEXT NOT NULL,          -- first_response, next_update, resolution
    due_at      INTEGER NOT NULL,
    manager_id  INTEGER REFERENCES users(id),
    at          INTEGER NOT NULL,
    UNIQUE (case_id, target, due_at)
);
CREATE INDEX case_escalations_manager ON case_escalations(manager_id, case_id);
CREATE INDEX cases_due_open ON cases(due_at) WHERE due_at IS NOT NULL AND status NOT IN ('resolved', 'closed');
