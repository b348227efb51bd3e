-- 考责, the campaign (issue 10, items 1 and 5; sqlite). Keep in step with
-- ../postgres/0024_inspection_campaign.sql.
-- The campaign's checklist of materials (资料清单: one item a line, shown to every unit in scope)
-- and how its units were chosen (kinds of unit and the subtree, so the choice can be redone).
ALTER TABLE inspection_campaigns ADD COLUMN materials TEXT;
ALTER TABLE inspection_campaigns ADD COLUMN scope_root_id INTEGER REFERENCES orgs(id);
ALTER TABLE inspection_campaigns ADD COLUMN scope_kinds TEXT;
-- a spot-checked unit: why (the rule that picked it), for the list
ALTER TABLE inspection_units ADD COLUMN spot_reason TEXT;

-- 个别谈话 during the check: a group member talks with a person of the unit checked; the record
-- is handed in to the organising body. Seen by the group (leader and members) and the
-- organising 纪委 only, never by the unit.
CREATE TABLE inspection_talks (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES inspection_campaigns(id) ON DELETE CASCADE,
    unit_id INTEGER NOT NULL REFERENCES inspection_units(id) ON DELETE CASCADE,
    group_id INTEGER REFERENCES inspection_groups(id) ON DELETE SET NULL,
    talker_id INTEGER NOT NULL REFERENCES people(id),
    -- the person talked to, as the record names him (a 中层干部 or 职工代表 may have no person row)
    person_name TEXT NOT NULL,
    person_post TEXT,
    talked_on TEXT NOT NULL,
    record TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX inspection_talks_unit ON inspection_talks(unit_id, talked_on);
CREATE INDEX inspection_talks_group ON inspection_talks(group_id);
CREATE INDEX inspection_group_members_person ON inspection_group_members(person_id);
CREATE INDEX inspection_groups_leader ON inspection_groups(leader_id);
