-- 履责: 谈话函询, 提醒谈话, 诫勉谈话 (SQLite). Keep in step with ../postgres/0018_inquiries.sql.
-- Kept by the 纪委 that issues them (org_*); seen by where the person stands (person_org_path):
-- the 纪委 over that unit and its 书记. The reply limit of a 函询 is counted in 工作日.
CREATE TABLE inquiries (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    kind TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people(id),
    person_org_path TEXT NOT NULL,
    matter TEXT NOT NULL,
    source TEXT,
    issued_on TEXT NOT NULL,
    reply_days INTEGER,
    reply_due TEXT,
    reply TEXT,
    replied_on TEXT,
    replied_by TEXT,
    conclusion TEXT,
    follow_up TEXT,
    concluded_on TEXT,
    created_by INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX inquiries_scope ON inquiries(person_org_path, issued_on);
CREATE INDEX inquiries_person ON inquiries(person_id);
CREATE INDEX inquiries_open ON inquiries(conclusion, reply_due);
