-- A plan's revision: moved by every write to its items or their units, in the same transaction.
-- The plan snapshot a node keeps (PlanData) is valid while the revision it was read at is the
-- current one, so a progress report on one plan no longer makes every plan's snapshot stale, and
-- another node's write is seen at once (decision 0009 as amended 2026-12-02).
ALTER TABLE task_plans ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
