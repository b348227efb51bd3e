-- 履责纪实 (SQLite). Keep in step with ../postgres/0015_duty_records.sql.
-- One duty act of a unit, as it was done ("一事一记、随做随记"): kind (会议 with its sub-kind,
-- 党课, 约谈, 检查, 学习, 调研, 听取汇报, 其他), date, place, who led, content, decisions.
-- `year`/`quarter` are the period of the act's date; `late` marks a 补录 (saved after the
-- period's entry window closed) with its reason and the day it was entered.
CREATE TABLE duty_records (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    year INTEGER NOT NULL,
    quarter INTEGER NOT NULL,
    kind TEXT NOT NULL,
    sub_kind TEXT,
    title TEXT NOT NULL,
    act_date TEXT NOT NULL,
    place TEXT,
    leader_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
    leader TEXT,
    content TEXT NOT NULL,
    decisions TEXT,
    late BOOLEAN NOT NULL DEFAULT FALSE,
    late_reason TEXT,
    entered_on TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_by_name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX duty_records_scope ON duty_records(year, org_path);
CREATE INDEX duty_records_org ON duty_records(org_id, year, quarter);

-- Who took part: the leader (role 'lead', when the name is a person of the unit) and the participants.
CREATE TABLE duty_record_people (
    id INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES duty_records(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    role TEXT NOT NULL
);
CREATE UNIQUE INDEX duty_record_people_unique ON duty_record_people(record_id, person_id, role);
CREATE INDEX duty_record_people_person ON duty_record_people(person_id);

-- 责任清单 items and 任务分工 tasks the act carried out.
CREATE TABLE duty_record_items (
    id INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES duty_records(id) ON DELETE CASCADE,
    item_id INTEGER NOT NULL REFERENCES duty_items(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX duty_record_items_unique ON duty_record_items(record_id, item_id);

CREATE TABLE duty_record_tasks (
    id INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES duty_records(id) ON DELETE CASCADE,
    task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX duty_record_tasks_unique ON duty_record_tasks(record_id, task_id);
