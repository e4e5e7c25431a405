-- heard foundation schema (SQLite). Times are Unix epoch milliseconds (UTC) in both
-- stores, so the two behave identically; the PostgreSQL twin is ../postgres/.

CREATE TABLE teams (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL
);

CREATE TABLE services (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    keywords    TEXT NOT NULL DEFAULT '',   -- words and phrases, '|'-separated
    team_id     INTEGER REFERENCES teams(id)
);

CREATE TABLE sites (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    line1       TEXT, line2 TEXT, town TEXT, postcode TEXT, uprn INTEGER
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    team_id       INTEGER REFERENCES teams(id),
    password_hash TEXT,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    INTEGER NOT NULL
);

CREATE TABLE user_services (
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    service_id  INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, service_id)
);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    label        TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);

CREATE TABLE customers (
    id                 INTEGER PRIMARY KEY,
    kind               TEXT NOT NULL,
    organisation_kind  TEXT,
    name               TEXT NOT NULL,
    search_text        TEXT NOT NULL DEFAULT '',  -- name and identities, for full-text search
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);

CREATE TABLE customer_identities (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    value         TEXT NOT NULL,
    undeliverable BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    INTEGER NOT NULL,
    UNIQUE (kind, value)
);
CREATE INDEX customer_identities_customer ON customer_identities(customer_id);

CREATE TABLE customer_addresses (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    line1        TEXT NOT NULL,
    line2        TEXT,
    town         TEXT NOT NULL,
    postcode     TEXT NOT NULL,
    uprn         INTEGER
);
CREATE INDEX customer_addresses_customer ON customer_addresses(customer_id);
CREATE INDEX customer_addresses_postcode ON customer_addresses(postcode);

CREATE TABLE customer_links (
    person_id        INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    organisation_id  INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    role             TEXT NOT NULL,
    PRIMARY KEY (person_id, organisation_id)
);
CREATE INDEX customer_links_organisation ON customer_links(organisation_id);

CREATE TABLE cases (
    id           INTEGER PRIMARY KEY,
    service_id   INTEGER NOT NULL REFERENCES services(id),
    kind         TEXT NOT NULL,
    status       TEXT NOT NULL,
    priority     TEXT NOT NULL,
    owner_id     INTEGER REFERENCES users(id),
    team_id      INTEGER REFERENCES teams(id),
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    site_id      INTEGER REFERENCES sites(id),
    title        TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    due_at       INTEGER,
    closed_at    INTEGER
);
CREATE INDEX cases_updated ON cases(updated_at DESC, id DESC);
CREATE INDEX cases_service_updated ON cases(service_id, updated_at DESC, id DESC);
CREATE INDEX cases_status_updated ON cases(status, updated_at DESC, id DESC);
CREATE INDEX cases_owner_updated ON cases(owner_id, updated_at DESC, id DESC);
CREATE INDEX cases_customer ON cases(customer_id, service_id, updated_at DESC, id DESC);
CREATE INDEX cases_created ON cases(created_at, updated_at, id);

CREATE TABLE case_links (
    from_case_id  INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    to_case_id    INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    created_by    INTEGER REFERENCES users(id),
    PRIMARY KEY (from_case_id, to_case_id, kind)
);
CREATE INDEX case_links_to ON case_links(to_case_id);

CREATE TABLE case_events (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    actor_id    INTEGER REFERENCES users(id),
    kind        TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '{}'   -- JSON
);
CREATE INDEX case_events_case ON case_events(case_id, at);

CREATE TABLE contacts (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    channel      TEXT NOT NULL,
    direction    TEXT NOT NULL,
    sender       TEXT NOT NULL,
    subject      TEXT,
    body         TEXT NOT NULL,
    body_html    TEXT,
    received_at  INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    external_id  TEXT,
    created_by   INTEGER REFERENCES users(id)
);
CREATE UNIQUE INDEX contacts_external ON contacts(channel, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX contacts_case ON contacts(case_id, received_at);
CREATE INDEX contacts_customer ON contacts(customer_id, received_at);
CREATE INDEX contacts_received ON contacts(received_at DESC, id DESC);
CREATE INDEX contacts_channel_received ON contacts(channel, received_at DESC, id DESC);

CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY,
    contact_id    INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    filename      TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL
);
CREATE INDEX attachments_contact ON attachments(contact_id);

-- Background work, claimed through the database so two nodes never run one job twice.
CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    payload       TEXT NOT NULL DEFAULT '{}',
    run_at        INTEGER NOT NULL,
    locked_by     TEXT,
    locked_until  INTEGER,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT,
    done_at       INTEGER
);
CREATE INDEX jobs_due ON jobs(run_at) WHERE done_at IS NULL;

-- Full-text search: FTS5 over contacts and customers.
CREATE VIRTUAL TABLE contacts_fts USING fts5(
    subject, body, content='contacts', content_rowid='id', tokenize='porter unicode61'
);
-- New contacts are indexed by the code that inserts them (intake, seed), not by an
-- insert trigger: inside a trigger FTS5 flushes its index at every statement, which made
-- indexing 2.6 times slower. Deletes and edits keep their triggers.
CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
    INSERT INTO contacts_fts(contacts_fts, rowid, subject, body) VALUES ('delete', old.id, old.subject, old.body);
END;
CREATE TRIGGER contacts_fts_update AFTER UPDATE OF subject, body ON contacts BEGIN
    INSERT INTO contacts_fts(contacts_fts, rowid, subject, body) VALUES ('delete', old.id, old.subject, old.body);
    INSERT INTO contacts_fts(rowid, subject, body) VALUES (new.id, new.subject, new.body);
END;

CREATE VIRTUAL TABLE customers_fts USING fts5(
    search_text, content='customers', content_rowid='id', tokenize='unicode61'
);
CREATE TRIGGER customers_fts_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customers_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER customers_fts_delete AFTER DELETE ON customers BEGIN
    INSERT INTO customers_fts(customers_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER customers_fts_update AFTER UPDATE OF search_text ON customers BEGIN
    INSERT INTO customers_fts(customers_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO customers_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;
