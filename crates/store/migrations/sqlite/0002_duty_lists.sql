-- 定责: 责任清单 (SQLite). Keep in step with ../postgres/0002_duty_lists.sql.
-- 共性 items published by a higher body for units of one kind.
CREATE TABLE duty_templates (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    kind TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    title TEXT NOT NULL,
    published BOOLEAN NOT NULL DEFAULT FALSE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX duty_templates_year ON duty_templates(year, target_kind);

CREATE TABLE duty_template_items (
    id INTEGER PRIMARY KEY,
    template_id INTEGER NOT NULL REFERENCES duty_templates(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    category TEXT,
    content TEXT NOT NULL
);
CREATE INDEX duty_template_items_template ON duty_template_items(template_id, seq);

-- A list per year, unit, kind (主体/监督) and holder (0 = the unit; else the person: 书记 or 班子成员).
CREATE TABLE duty_lists (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    kind TEXT NOT NULL,
    holder_id INTEGER NOT NULL DEFAULT 0,
    person_id INTEGER REFERENCES people(id),
    title TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft',
    current_version INTEGER NOT NULL DEFAULT 0,
    return_reason TEXT,
    submitted_at INTEGER,
    reviewed_at INTEGER,
    reviewed_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX duty_lists_unique ON duty_lists(year, org_id, kind, holder_id);
CREATE INDEX duty_lists_scope ON duty_lists(year, org_path);
CREATE INDEX duty_lists_person ON duty_lists(person_id, year);

CREATE TABLE duty_items (
    id INTEGER PRIMARY KEY,
    list_id INTEGER NOT NULL REFERENCES duty_lists(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    scope TEXT NOT NULL,
    template_item_id INTEGER REFERENCES duty_template_items(id) ON DELETE SET NULL,
    category TEXT,
    content TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX duty_items_list ON duty_items(list_id, seq);

-- Every submission and review keeps a snapshot of the items: the history of versions.
CREATE TABLE duty_list_versions (
    id INTEGER PRIMARY KEY,
    list_id INTEGER NOT NULL REFERENCES duty_lists(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    event TEXT NOT NULL,
    reason TEXT,
    snapshot TEXT NOT NULL,
    actor_id INTEGER REFERENCES users(id),
    actor_name TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX duty_list_versions_list ON duty_list_versions(list_id, id);
