-- Answers to read (issue 9): knowledge articles staff write, per service, in English or
-- Welsh, that residents and agents read and the report form suggests.
CREATE TABLE articles (
    id          INTEGER PRIMARY KEY,
    service_id  INTEGER REFERENCES services(id),   -- NULL: about the council in general
    slug        TEXT NOT NULL UNIQUE,
    language    TEXT NOT NULL DEFAULT 'en',
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    published   BOOLEAN NOT NULL DEFAULT FALSE,
    updated_by  INTEGER REFERENCES users(id),
    updated_at  INTEGER NOT NULL
);

-- Articles opened from the report form's suggestions, by visit (the form's own token),
-- and visits that went on to send a report: a suggestion "ended the visit without a
-- contact" when its visit has no report.
CREATE TABLE article_views (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    visit       TEXT NOT NULL,
    at          INTEGER NOT NULL,
    UNIQUE (article_id, visit)
);
CREATE TABLE form_visits_sent (
    visit       TEXT PRIMARY KEY,
    at          INTEGER NOT NULL
);
