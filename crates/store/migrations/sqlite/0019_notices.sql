-- 履责: 抄告单 and 整改建议书 (SQLite). Keep in step with ../postgres/0019_notices.sql.
-- Issued by a 纪委 (issuer_*) to a leader (addressee_id) of a unit (org_*), numbered per issuer,
-- kind and year (seq, doc_number). Seen by where the unit stands (org_path): the 纪委 over it and
-- its 书记; the addressee reads his own. The answer's limit is counted in 工作日 (due_on).
-- source_*: the record the problem was found in, by kind and id (any module's), with its title
-- as it read on the day of issue.
CREATE TABLE notices (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    doc_number TEXT NOT NULL,
    issuer_org_id INTEGER NOT NULL REFERENCES orgs(id),
    issuer_path TEXT NOT NULL,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    addressee_id INTEGER NOT NULL REFERENCES people(id),
    addressee_title TEXT,
    subject TEXT NOT NULL,
    problem TEXT NOT NULL,
    request TEXT NOT NULL,
    source_kind TEXT,
    source_id TEXT,
    source_title TEXT,
    issued_on TEXT NOT NULL,
    due_days INTEGER NOT NULL,
    due_on TEXT NOT NULL,
    status TEXT NOT NULL,
    measures TEXT,
    answered_on TEXT,
    answered_by TEXT,
    return_reason TEXT,
    returns INTEGER NOT NULL DEFAULT 0,
    closed_on TEXT,
    closed_by TEXT,
    created_by INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX notices_number ON notices(issuer_org_id, kind, year, seq);
CREATE INDEX notices_scope ON notices(org_path, issued_on);
CREATE INDEX notices_addressee ON notices(addressee_id, status);
CREATE INDEX notices_open ON notices(status, due_on);
