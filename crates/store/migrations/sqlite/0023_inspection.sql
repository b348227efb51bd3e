-- 考责: the annual inspection (责任制检查考核, seed 001) — the campaign, its phases, the units in
-- scope and the inspection groups (sqlite). Keep in step with ../postgres/0023_inspection.sql.
-- A campaign is organised by a body (org_*: the 县委 or its 纪委, whose scope it covers); every
-- part of the inspection (self-checks, scores, ballots, findings) hangs off a campaign and one
-- of its units.
CREATE TABLE inspection_campaigns (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    -- draft (being prepared) | open (notice issued: self-check, spot check, scoring) | closed (results approved)
    status TEXT NOT NULL DEFAULT 'draft',
    -- the notice: its 文号 and text, issued as GB/T 9704
    doc_number TEXT,
    notice TEXT,
    issued_on TEXT,
    -- how the spot-checked units were chosen: 'rule' or 'random' with the seed kept, so the
    -- draw can be shown to be the one made
    spot_rule TEXT,
    spot_seed INTEGER,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX inspection_campaigns_scope ON inspection_campaigns(org_path, year);

-- The phases (通知, 自查, 抽查, 评分, 通报 …) with their dates.
CREATE TABLE inspection_phases (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES inspection_campaigns(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    starts_on TEXT,
    ends_on TEXT
);
CREATE INDEX inspection_phases_campaign ON inspection_phases(campaign_id, seq);

-- The inspection groups (检查组): a leader and members, the units they check, their schedule.
CREATE TABLE inspection_groups (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES inspection_campaigns(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    leader_id INTEGER REFERENCES people(id),
    schedule TEXT
);
CREATE INDEX inspection_groups_campaign ON inspection_groups(campaign_id);

CREATE TABLE inspection_group_members (
    group_id INTEGER NOT NULL REFERENCES inspection_groups(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (group_id, person_id)
);

-- The units in scope: one row per campaign and unit (org_path: where the unit stands, for
-- scope checks); spot_checked units get a group's visit.
CREATE TABLE inspection_units (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES inspection_campaigns(id) ON DELETE CASCADE,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    spot_checked BOOLEAN NOT NULL DEFAULT FALSE,
    group_id INTEGER REFERENCES inspection_groups(id) ON DELETE SET NULL,
    visit_on TEXT
);
CREATE UNIQUE INDEX inspection_units_one ON inspection_units(campaign_id, org_id);
CREATE INDEX inspection_units_scope ON inspection_units(org_path);
