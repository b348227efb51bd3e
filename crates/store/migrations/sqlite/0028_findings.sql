-- 考责, findings and the 通报 (issue 10, item 7; sqlite). Keep in step with
-- ../postgres/0028_findings.sql.
-- A finding (发现的问题) is one problem at one unit: found by an inspection now, by a patrol, a
-- 督查, an audit or a report later. It is the row the problem ledger (追责) carries to 销号 — one
-- table for every source, never a copy. source names where it came from; campaign_id and
-- inspection_unit_id link an inspection's findings to their campaign and unit; source_ref names
-- the record inside the source that gave rise to it (a chosen deduction, say).
CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    -- the unit the problem is at, and where it stands (scope checks)
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    -- the body that raised it (its 纪委 approves the 销号 later)
    raised_by_org_id INTEGER NOT NULL REFERENCES orgs(id),
    raised_by_org_path TEXT NOT NULL,
    source TEXT NOT NULL,
    campaign_id INTEGER REFERENCES inspection_campaigns(id) ON DELETE CASCADE,
    inspection_unit_id INTEGER REFERENCES inspection_units(id) ON DELETE CASCADE,
    source_ref TEXT,
    category TEXT NOT NULL,
    description TEXT NOT NULL,
    evidence TEXT,
    -- the date the rectification is due
    deadline TEXT,
    -- open until the ledger closes it (整改中, 待销号, 已销号 arrive with the ledger)
    status TEXT NOT NULL DEFAULT 'open',
    -- the day the finding was told to the unit (反馈); before it only the finders see it
    notified_on TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX findings_scope ON findings(org_path, status);
CREATE INDEX findings_campaign ON findings(campaign_id, category);
CREATE INDEX findings_unit ON findings(inspection_unit_id);

-- 亮点 (good practice) noted at a unit during the check: the 通报 names the units under them.
CREATE TABLE inspection_highlights (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES inspection_campaigns(id) ON DELETE CASCADE,
    unit_id INTEGER NOT NULL REFERENCES inspection_units(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX inspection_highlights_campaign ON inspection_highlights(campaign_id, unit_id);

-- The campaign's 通报: drafted from its records in sections, edited, issued as GB/T 9704.
CREATE TABLE inspection_bulletins (
    campaign_id INTEGER PRIMARY KEY REFERENCES inspection_campaigns(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    intro TEXT NOT NULL,
    overview TEXT NOT NULL,
    highlights TEXT NOT NULL,
    problems TEXT NOT NULL,
    requirements TEXT NOT NULL,
    -- draft | issued
    status TEXT NOT NULL DEFAULT 'draft',
    doc_number TEXT,
    issued_on TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
