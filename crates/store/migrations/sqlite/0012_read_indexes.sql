-- Indexes measured in the working-day bench (docs/bench.md, 2026-12-02):
-- a pinyin search counts within a path range from the index alone (no row reads);
CREATE INDEX people_search ON people(org_path, name_initials, name_pinyin);
-- the year's plans a unit appears in: one index probe per plan instead of reading its tasks;
CREATE INDEX tasks_plan_lead ON tasks(plan_id, lead_org_path);
CREATE INDEX task_orgs_plan_path ON task_orgs(plan_id, org_path);
-- and each plan's item and 已完成 counts from the index.
CREATE INDEX tasks_plan_status ON tasks(plan_id, status);
