-- 履责: 述责述廉 (SQLite). Keep in step with ../postgres/0020_statements.sql.
-- A round (年度, the organising body, who reports, the meeting and the submission deadline);
-- one report per person and round (text, an optional DOCX/PDF, the copy check's best matches);
-- the body's 点评 as separate points, each answered by the reporter and closed by the body.
CREATE TABLE statement_rounds (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    meeting_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    created_by INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX statement_rounds_org ON statement_rounds(org_path, year);

CREATE TABLE statement_reports (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES statement_rounds(id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people(id),
    person_org_id INTEGER NOT NULL REFERENCES orgs(id),
    person_org_path TEXT NOT NULL,
    post TEXT NOT NULL,
    body TEXT,
    submitted_on TEXT,
    revisions INTEGER NOT NULL DEFAULT 0,
    attachment_id INTEGER REFERENCES attachments(id),
    peer_id INTEGER,
    peer_pm INTEGER,
    past_id INTEGER,
    past_pm INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX statement_reports_person ON statement_reports(round_id, person_id);
CREATE INDEX statement_reports_year ON statement_reports(year, person_id);
CREATE INDEX statement_reports_scope ON statement_reports(person_org_path);

CREATE TABLE statement_points (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES statement_reports(id) ON DELETE CASCADE,
    round_id INTEGER NOT NULL REFERENCES statement_rounds(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    content TEXT NOT NULL,
    rectify BOOLEAN NOT NULL DEFAULT FALSE,
    due_on TEXT,
    status TEXT NOT NULL DEFAULT 'open',
    measures TEXT,
    progress TEXT,
    answered_on TEXT,
    return_reason TEXT,
    returns INTEGER NOT NULL DEFAULT 0,
    closed_on TEXT,
    closed_by TEXT,
    created_by INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX statement_points_report ON statement_points(report_id, seq);
CREATE INDEX statement_points_round ON statement_points(round_id, status);
