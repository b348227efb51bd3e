-- 待办 and 催报 (issue 8, item 1). A 催报 is the 纪委's reminder to a unit that has not yet filed
-- the year's list of a kind: shown in the unit's 待办 and on its list page until the list is
-- filed. One per unit, year, kind and day (a second click the same day adds nothing).
CREATE TABLE list_reminders (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    sender_id INTEGER REFERENCES users(id),
    sender_name TEXT NOT NULL,
    sender_org TEXT NOT NULL,
    for_date TEXT NOT NULL,
    sent_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX list_reminders_unique ON list_reminders(org_id, year, kind, for_date);
CREATE INDEX list_reminders_scope ON list_reminders(org_path, year);

-- The home page counts what waits, by status within a scope, over every year: an index that
-- starts with the status serves those counts without reading the year's rows.
CREATE INDEX duty_lists_status ON duty_lists(status, org_path);
CREATE INDEX letters_status ON letters(status, org_path);
CREATE INDEX letter_flags_status ON letter_flags(status, org_path);
