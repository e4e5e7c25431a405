-- Each customer's language, when known (en or cy): every message to them is written in it,
-- and agents see which language to reply in. Councils in Wales must offer both.
ALTER TABLE customers ADD COLUMN language TEXT;
