-- Reports of problems (Open311 service requests and the public "Report it" form) and
-- what each service asks about them. The PostgreSQL twin is ../sqlite/.

-- A service's public definition, from the config: what it is, its group, the questions
-- it asks (JSON list of heard_core::service_form::ServiceField), and whether Open311
-- clients see it.
ALTER TABLE services ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE services ADD COLUMN group_name TEXT NOT NULL DEFAULT '';
ALTER TABLE services ADD COLUMN fields TEXT NOT NULL DEFAULT '[]';
ALTER TABLE services ADD COLUMN open311 BOOLEAN NOT NULL DEFAULT TRUE;

-- One row per case opened by a report: where it is and the answers given. Written in
-- the intake transaction with the contact and the case.
CREATE TABLE reports (
    case_id     BIGINT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    contact_id  BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    source      TEXT NOT NULL,              -- channel: 'open311' or 'web_form'
    token       TEXT NOT NULL UNIQUE,       -- Open311 token, also the form's receipt
    lat         DOUBLE PRECISION,
    long        DOUBLE PRECISION,
    address     TEXT,
    address_id  TEXT,
    postcode    TEXT,
    attributes  TEXT NOT NULL DEFAULT '[]', -- JSON list of {code, value}
    media_url   TEXT,
    account_id  TEXT,
    device_id   TEXT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX reports_created ON reports(created_at);
CREATE INDEX reports_contact ON reports(contact_id);
