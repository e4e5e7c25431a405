-- Registrar certificate orders (issue 6): one order per certificate case. The fee is computed
-- from the council's prices when the order is saved and kept, so a later price change does
-- not change what a resident was asked to pay. Payment is by link (case_payments).
CREATE TABLE certificate_orders (
    case_id          INTEGER PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    certificate      TEXT NOT NULL,          -- birth, marriage, civil_partnership, death
    names            TEXT NOT NULL,
    event_on         TEXT NOT NULL,          -- YYYY-MM-DD
    event_place      TEXT NOT NULL,
    copies           INTEGER NOT NULL,
    delivery_address TEXT NOT NULL,
    fee_pence        INTEGER NOT NULL,
    created_by       INTEGER REFERENCES users(id),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    dispatched_at    INTEGER,
    dispatched_by    INTEGER REFERENCES users(id),
    paid_otherwise   TEXT NOT NULL DEFAULT '' -- how it was paid, when not by link (cash at the desk)
);
CREATE INDEX certificate_orders_open ON certificate_orders (created_at) WHERE dispatched_at IS NULL;
