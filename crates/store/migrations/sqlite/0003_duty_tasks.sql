-- 定责: 任务分工 (SQLite). Keep in step with ../postgres/0003_duty_tasks.sql.
-- A year plan owned by a unit (e.g. 县委), split into 大项 / 小项 of any depth.
CREATE TABLE task_plans (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    title TEXT NOT NULL,
    doc_number TEXT,
    status TEXT NOT NULL DEFAULT 'draft',
    copied_from INTEGER REFERENCES task_plans(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX task_plans_scope ON task_plans(year, org_path);

-- `path` is the chain of task ids within the plan ("/12/40/"), for subtrees.
CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES task_plans(id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES tasks(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    level INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    title TEXT NOT NULL,
    lead_leader_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
    lead_leader TEXT,
    lead_org_id INTEGER REFERENCES orgs(id),
    lead_org_path TEXT,
    deadline TEXT,
    target TEXT,
    progress INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'not_started',
    completed_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX tasks_plan ON tasks(plan_id, path);
CREATE INDEX tasks_lead_org ON tasks(lead_org_path);
CREATE INDEX tasks_deadline ON tasks(status, deadline);

-- 责任单位 (responsible) and 配合单位 (cooperating) of a task.
CREATE TABLE task_orgs (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES task_plans(id) ON DELETE CASCADE,
    task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    role TEXT NOT NULL
);
CREATE UNIQUE INDEX task_orgs_unique ON task_orgs(task_id, org_id, role);
CREATE INDEX task_orgs_plan ON task_orgs(plan_id);
CREATE INDEX task_orgs_scope ON task_orgs(org_path);

-- Items of the responsibility lists a task carries out.
CREATE TABLE task_list_items (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    item_id INTEGER NOT NULL REFERENCES duty_items(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX task_list_items_unique ON task_list_items(task_id, item_id);

-- 形象进度: progress reported by a unit; attachments have owner_kind 'task_report'.
CREATE TABLE task_reports (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    user_id INTEGER REFERENCES users(id),
    user_name TEXT NOT NULL,
    text TEXT NOT NULL,
    percent INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX task_reports_task ON task_reports(task_id, id);

-- Reminders made by the daily job: one per task, unit, kind and day.
CREATE TABLE task_reminders (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    kind TEXT NOT NULL,
    for_date TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX task_reminders_unique ON task_reminders(task_id, org_id, kind, for_date);
CREATE INDEX task_reminders_scope ON task_reminders(for_date, org_path);
