-- Services' names and descriptions in Welsh, for residents reading heard in Welsh (empty:
-- the English is shown).
ALTER TABLE services ADD COLUMN name_cy TEXT NOT NULL DEFAULT '';
ALTER TABLE services ADD COLUMN description_cy TEXT NOT NULL DEFAULT '';
