-- 履责: 廉洁意见回复 (SQLite). Keep in step with ../postgres/0022_integrity_replies.sql.
-- The 纪委's answer to a request for its opinion on people (a promotion list, 评优评先): one
-- reply to one requesting body, one row per person with the opinion and the sentences drafted
-- from his integrity file, each sentence naming the record it comes from (JSON), so every
-- sentence of the issued document can be traced. Issued replies are locked.
CREATE TABLE integrity_replies (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    issuer TEXT NOT NULL,
    year INTEGER NOT NULL,
    requester TEXT NOT NULL,
    request_ref TEXT,
    purpose TEXT NOT NULL,
    received_on TEXT NOT NULL,
    as_of TEXT NOT NULL,
    status TEXT NOT NULL,
    doc_number TEXT,
    issued_on TEXT,
    issued_by TEXT,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX integrity_replies_scope ON integrity_replies(org_path, year);

CREATE TABLE integrity_reply_people (
    id INTEGER PRIMARY KEY,
    reply_id INTEGER NOT NULL REFERENCES integrity_replies(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id),
    person_name TEXT NOT NULL,
    unit_post TEXT NOT NULL,
    sort_order INTEGER NOT NULL,
    opinion TEXT NOT NULL,
    conclusion TEXT NOT NULL,
    needs_decision BOOLEAN NOT NULL DEFAULT FALSE,
    sentences TEXT NOT NULL,
    edited_by TEXT,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX integrity_reply_people_one ON integrity_reply_people(reply_id, person_id);
CREATE INDEX integrity_reply_people_person ON integrity_reply_people(person_id);
