-- The performance reports (issue 6) count a period's contacts by channel, week and service,
-- and the inbound contacts of each closed case (first-contact resolution). These indexes
-- hold every column those counts read, so each is a scan of one index, not of the table:
-- at a million contacts the table is over a gigabyte, the index a fraction of it.
CREATE INDEX contacts_report ON contacts(received_at, direction, channel, case_id);
CREATE INDEX contacts_case_direction ON contacts(case_id, direction);
