-- 履责 — 廉政约谈 (SQLite). Keep in step with ../postgres/0016_talks.sql.
-- A talk belongs to the talker's unit; its interviewees each confirm the record (in the system,
-- or by a signed scan the unit's staff upload). Compliance flags are computed from these rows
-- at read time and never stored.
CREATE TABLE talks (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    talker_id INTEGER NOT NULL REFERENCES people(id),
    talker_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    occasion TEXT NOT NULL,
    tags TEXT NOT NULL,
    talk_date TEXT NOT NULL,
    place TEXT,
    content TEXT NOT NULL,
    follow_up TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX talks_scope ON talks(year, org_path);
CREATE INDEX talks_talker ON talks(talker_id, year);

CREATE TABLE talk_interviewees (
    id INTEGER PRIMARY KEY,
    talk_id INTEGER NOT NULL REFERENCES talks(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id),
    person_name TEXT NOT NULL,
    confirm_method TEXT,
    confirmed_at INTEGER,
    confirmed_by INTEGER REFERENCES users(id),
    scan_attachment_id INTEGER REFERENCES attachments(id)
);
CREATE UNIQUE INDEX talk_interviewees_one ON talk_interviewees(talk_id, person_id);
CREATE INDEX talk_interviewees_person ON talk_interviewees(person_id, confirmed_at);
