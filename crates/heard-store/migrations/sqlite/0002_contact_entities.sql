-- Values read from a contact's text (postcodes, references, dates…), as suggestions an
-- agent accepts or corrects. Spans are byte offsets into the stored (redacted) field.
CREATE TABLE contact_entities (
    id          INTEGER PRIMARY KEY,
    contact_id  INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    field       TEXT NOT NULL,          -- 'subject' or 'body'
    kind        TEXT NOT NULL,
    value       TEXT NOT NULL,
    start_byte  INTEGER NOT NULL,
    end_byte    INTEGER NOT NULL,
    confidence  REAL NOT NULL,
    sensitive   BOOLEAN NOT NULL DEFAULT FALSE,
    status      TEXT NOT NULL DEFAULT 'suggested'   -- suggested, accepted, rejected
);
CREATE INDEX contact_entities_contact ON contact_entities(contact_id);
CREATE INDEX contact_entities_kind_value ON contact_entities(kind, value);
