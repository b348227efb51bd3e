-- 履责: 廉政教育 and 廉政考试 (SQLite). Keep in step with ../postgres/0017_exams.sql.
-- An education activity of a unit (警示教育, 专题党课, 参观 廉政教育基地 …) with its attendance.
CREATE TABLE education_activities (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    kind TEXT NOT NULL,
    held_on TEXT NOT NULL,
    title TEXT NOT NULL,
    place TEXT,
    content TEXT,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX education_scope ON education_activities(org_path, held_on);

CREATE TABLE education_attendees (
    id INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES education_activities(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX education_attendees_one ON education_attendees(activity_id, person_id);

-- The question bank of an organisation (usable by papers of its subtree). `options` is a JSON
-- array of texts (单选/多选), `answer` the letters ("A", "AC"), 对/错, or the text of a 填空.
CREATE TABLE exam_questions (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    kind TEXT NOT NULL,
    stem TEXT NOT NULL,
    options TEXT NOT NULL,
    answer TEXT NOT NULL,
    tags TEXT NOT NULL,
    points INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX exam_questions_org ON exam_questions(org_path, kind);

-- A paper: who takes it (units, people, and for 任前廉政考试 the newly appointed leaders of its
-- subtree), time limit, window, the draw rule (JSON), pass mark and attempts allowed.
CREATE TABLE exam_papers (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    opens_on TEXT NOT NULL,
    closes_on TEXT NOT NULL,
    rules TEXT NOT NULL,
    pass_mark INTEGER NOT NULL,
    attempts_allowed INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX exam_papers_org ON exam_papers(org_path, closes_on);

CREATE TABLE exam_paper_orgs (
    id INTEGER PRIMARY KEY,
    paper_id INTEGER NOT NULL REFERENCES exam_papers(id) ON DELETE CASCADE,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL
);
CREATE INDEX exam_paper_orgs_paper ON exam_paper_orgs(paper_id);

CREATE TABLE exam_paper_people (
    id INTEGER PRIMARY KEY,
    paper_id INTEGER NOT NULL REFERENCES exam_papers(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE
);
CREATE INDEX exam_paper_people_person ON exam_paper_people(person_id);

-- One sitting of a paper by a person: the deadline fixed at the start, the score at submission.
CREATE TABLE exam_attempts (
    id INTEGER PRIMARY KEY,
    paper_id INTEGER NOT NULL REFERENCES exam_papers(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    org_path TEXT NOT NULL,
    seq INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    deadline_at INTEGER NOT NULL,
    submitted_at INTEGER,
    score INTEGER,
    total INTEGER NOT NULL,
    passed INTEGER
);
CREATE UNIQUE INDEX exam_attempts_seq ON exam_attempts(paper_id, person_id, seq);
CREATE INDEX exam_attempts_person ON exam_attempts(person_id);

-- The questions drawn for an attempt, in order, and the answer given to each (saved as given).
CREATE TABLE exam_attempt_items (
    id INTEGER PRIMARY KEY,
    attempt_id INTEGER NOT NULL REFERENCES exam_attempts(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    question_id INTEGER NOT NULL REFERENCES exam_questions(id),
    points INTEGER NOT NULL,
    answer TEXT,
    saved_at INTEGER,
    correct INTEGER
);
CREATE UNIQUE INDEX exam_attempt_items_q ON exam_attempt_items(attempt_id, question_id);
