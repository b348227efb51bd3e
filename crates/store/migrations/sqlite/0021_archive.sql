-- 廉政档案 (SQLite). Keep in step with ../postgres/0021_archive.sql.
-- Three kinds of records the integrity file gathers besides those of other parts: 婚丧喜庆事宜
-- reports (before the event, then what happened), 个人有关事项 reports, and 处分/组织处理
-- registered by hand (later by 追责 and 信访: `source`). Each is placed by the person's unit
-- (person_org_path, for scope) and read by person (the file: one index per table on person_id).
-- Flags and influence periods are computed at read time from the settings, never stored.
CREATE TABLE family_events (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    person_org_path TEXT NOT NULL,
    kind TEXT NOT NULL,
    kind_note TEXT,
    event_date TEXT NOT NULL,
    tables_planned INTEGER NOT NULL,
    guests_planned INTEGER NOT NULL,
    clients_invited BOOLEAN NOT NULL,
    venue TEXT NOT NULL,
    public_venue BOOLEAN NOT NULL,
    public_funds BOOLEAN NOT NULL,
    cost_estimate INTEGER NOT NULL,
    filed_on TEXT NOT NULL,
    filed_by TEXT NOT NULL,
    days_ahead INTEGER NOT NULL,
    tables_actual INTEGER,
    guests_actual INTEGER,
    clients_attended BOOLEAN,
    gifts TEXT,
    gifts_note TEXT,
    cost_actual INTEGER,
    after_note TEXT,
    after_on TEXT,
    review TEXT,
    review_note TEXT,
    reviewed_on TEXT,
    reviewed_by TEXT,
    created_by INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX family_events_person ON family_events(person_id, event_date);
CREATE INDEX family_events_scope ON family_events(person_org_path, event_date);

CREATE TABLE personal_matters (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    person_org_path TEXT NOT NULL,
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    happened_on TEXT,
    content TEXT NOT NULL,
    filed_on TEXT NOT NULL,
    created_by INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX personal_matters_person ON personal_matters(person_id, year);

CREATE TABLE sanctions (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    person_org_path TEXT NOT NULL,
    category TEXT NOT NULL,
    kind TEXT NOT NULL,
    probation_months INTEGER,
    decided_on TEXT NOT NULL,
    body TEXT NOT NULL,
    doc_no TEXT,
    matter TEXT NOT NULL,
    source TEXT NOT NULL,
    source_ref TEXT,
    created_by INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX sanctions_person ON sanctions(person_id, decided_on);
CREATE INDEX sanctions_scope ON sanctions(person_org_path, decided_on);
