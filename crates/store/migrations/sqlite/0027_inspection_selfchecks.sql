-- 考责, the self-check (issue 10, item 2; sqlite). Keep in step with
-- ../postgres/0027_inspection_selfchecks.sql.
-- Each unit's 自查报告 in its four parts, written by the unit's 党务 staff or 书记: a draft saved
-- with a version, submitted (then read-only for the unit), possibly returned by the organiser
-- with a reason. The first draft is filled from the unit's own records: the figures stay as
-- structured data (`figures`, JSON: key, label, value, link) beside the text, which names them
-- by key ({{key}}), so the page shows each as a link and a regeneration updates them.
CREATE TABLE inspection_selfchecks (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES inspection_units(id) ON DELETE CASCADE,
    campaign_id INTEGER NOT NULL REFERENCES inspection_campaigns(id) ON DELETE CASCADE,
    -- the unit's place, for scope checks
    org_path TEXT NOT NULL,
    -- draft | submitted | returned
    status TEXT NOT NULL DEFAULT 'draft',
    duty TEXT NOT NULL DEFAULT '',
    work TEXT NOT NULL DEFAULT '',
    problems TEXT NOT NULL DEFAULT '',
    next_steps TEXT NOT NULL DEFAULT '',
    figures TEXT NOT NULL DEFAULT '[]',
    generated_at INTEGER,
    submitted_at INTEGER,
    submitted_by INTEGER REFERENCES users(id),
    return_reason TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX inspection_selfchecks_unit ON inspection_selfchecks(unit_id);
CREATE INDEX inspection_selfchecks_scope ON inspection_selfchecks(org_path);

-- Materials per checklist item (item_no: the line of the campaign's `materials`, from 1) or per
-- indicator of the scoring standard (indicator_id: no foreign key here, the indicator table
-- comes with the standard). Either an upload (attachment_id) or a link to a record already in
-- the system (ref_kind + ref_id: a 纪实 record, a letter, a talk, a list, an education
-- activity), so nothing is asked for twice (减负).
CREATE TABLE inspection_materials (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES inspection_units(id) ON DELETE CASCADE,
    item_no INTEGER,
    indicator_id INTEGER,
    attachment_id INTEGER REFERENCES attachments(id),
    ref_kind TEXT,
    ref_id INTEGER,
    title TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX inspection_materials_unit ON inspection_materials(unit_id, item_no);

-- The 八项规定 self-check statistics table (seed 001 附件2): one per unit per campaign, entered
-- once; `data` is a JSON object of the figures (counts and amounts) by field code.
CREATE TABLE inspection_frugality (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES inspection_units(id) ON DELETE CASCADE,
    data TEXT NOT NULL,
    note TEXT,
    updated_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX inspection_frugality_unit ON inspection_frugality(unit_id);
