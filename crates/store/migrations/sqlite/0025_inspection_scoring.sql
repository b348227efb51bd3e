-- 考责 — 评分标准 and scores (issue 10, items 3 and 4; sqlite). Keep in step with
-- ../postgres/0025_inspection_scoring.sql. Points are kept in tenths of a point (integers), so
-- 0.5-point deductions add up the same on both databases and in every export.

-- A scoring standard: one per organising body and year; a tree of indicators with their
-- maximum points, and under the last-level indicators the items a scorer picks.
CREATE TABLE inspection_standards (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    -- the cap on the sum of all bonus points of one unit
    bonus_cap_tenths INTEGER NOT NULL DEFAULT 0,
    copied_from INTEGER REFERENCES inspection_standards(id) ON DELETE SET NULL,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX inspection_standards_one ON inspection_standards(org_id, year);
CREATE INDEX inspection_standards_scope ON inspection_standards(org_path, year);

-- 一级/二级… indicators: points live on the last level (a parent's are the sum of its children's).
CREATE TABLE inspection_indicators (
    id INTEGER PRIMARY KEY,
    standard_id INTEGER NOT NULL REFERENCES inspection_standards(id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES inspection_indicators(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    max_tenths INTEGER NOT NULL DEFAULT 0,
    -- 评分细则 and the evidence (佐证材料) the scorer looks at
    rule TEXT,
    evidence TEXT,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX inspection_indicators_standard ON inspection_indicators(standard_id, seq);

-- The items of a last-level indicator: deduct (points each time; the indicator's deductions
-- are capped at its maximum), bonus (points; the unit's bonus total capped by the standard),
-- veto (一票否决: the grade is 差 whatever the points).
CREATE TABLE inspection_standard_items (
    id INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES inspection_indicators(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    points_tenths INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX inspection_standard_items_indicator ON inspection_standard_items(indicator_id, seq);

-- A campaign's scoring: the standard it picked and the organiser's approval of the results
-- (after which no score is written).
CREATE TABLE inspection_scoring (
    campaign_id INTEGER PRIMARY KEY REFERENCES inspection_campaigns(id) ON DELETE CASCADE,
    standard_id INTEGER REFERENCES inspection_standards(id),
    approved_at INTEGER,
    approved_by INTEGER REFERENCES users(id),
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX inspection_scoring_standard ON inspection_scoring(standard_id);

-- One row of a score sheet: a unit's points on one last-level indicator, on the unit's own
-- sheet (self), an inspector's (inspector, scorer_id = his person id) or the group leader's
-- reconciled one (final). Points are computed from the chosen items, never typed.
CREATE TABLE inspection_scores (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES inspection_campaigns(id) ON DELETE CASCADE,
    unit_id INTEGER NOT NULL REFERENCES inspection_units(id) ON DELETE CASCADE,
    indicator_id INTEGER NOT NULL REFERENCES inspection_indicators(id),
    sheet TEXT NOT NULL,
    scorer_id INTEGER NOT NULL DEFAULT 0,
    -- the indicator's points after the capped deductions, the bonus points, a veto item chosen
    points_tenths INTEGER NOT NULL,
    bonus_tenths INTEGER NOT NULL DEFAULT 0,
    veto BOOLEAN NOT NULL DEFAULT FALSE,
    reason TEXT,
    evidence TEXT,
    updated_by INTEGER REFERENCES users(id),
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX inspection_scores_one ON inspection_scores(unit_id, indicator_id, sheet, scorer_id);
CREATE INDEX inspection_scores_campaign ON inspection_scores(campaign_id, sheet);

-- The items chosen on a row, with how many times.
CREATE TABLE inspection_score_items (
    score_id INTEGER NOT NULL REFERENCES inspection_scores(id) ON DELETE CASCADE,
    item_id INTEGER NOT NULL REFERENCES inspection_standard_items(id),
    count INTEGER NOT NULL,
    PRIMARY KEY (score_id, item_id)
);
