-- Customers who are one person, merged by an agent (issue 5), and undoable: each merge
-- records exactly which rows moved from one customer to the other (ids, as JSON lists),
-- so undoing moves those rows back and nothing added since. A merged customer keeps its
-- row (its name, for history and the audit log) but points at the customer it went into;
-- lists, search and suggestions skip it.
ALTER TABLE customers ADD COLUMN merged_into INTEGER REFERENCES customers(id);

CREATE TABLE customer_merges (
    id          INTEGER PRIMARY KEY,
    keep_id     INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    from_id     INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    moved       TEXT NOT NULL,      -- JSON: the ids of every row that moved, by table
    reason      TEXT NOT NULL,
    merged_at   INTEGER NOT NULL,
    merged_by   INTEGER REFERENCES users(id),
    undone_at   INTEGER,
    undone_by   INTEGER REFERENCES users(id)
);
CREATE INDEX customer_merges_keep ON customer_merges(keep_id);
CREATE INDEX customer_merges_from ON customer_merges(from_id);
