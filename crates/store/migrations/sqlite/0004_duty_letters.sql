-- 定责: 责任书/承诺书 and copy detection (SQLite). Keep in step with ../postgres/0004_duty_letters.sql.
CREATE TABLE letter_templates (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX letter_templates_year ON letter_templates(year, org_path);

-- One letter per signer and template: the upper body (issuer) ↔ the signer (a person or a unit).
CREATE TABLE letters (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    template_id INTEGER REFERENCES letter_templates(id),
    kind TEXT NOT NULL,
    upper_org_id INTEGER NOT NULL REFERENCES orgs(id),
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    person_id INTEGER REFERENCES people(id),
    signer_name TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft',
    sign_method TEXT,
    signed_at INTEGER,
    signed_by INTEGER REFERENCES users(id),
    scan_attachment_id INTEGER REFERENCES attachments(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX letters_scope ON letters(year, org_path);
CREATE INDEX letters_person ON letters(person_id, year);
CREATE UNIQUE INDEX letters_signer ON letters(template_id, org_id, person_id);

-- MinHash LSH band keys of each letter's own text (template boilerplate removed): candidates
-- for near-duplicates come from equal keys, then an exact Jaccard check confirms.
CREATE TABLE letter_bands (
    id INTEGER PRIMARY KEY,
    letter_id INTEGER NOT NULL REFERENCES letters(id) ON DELETE CASCADE,
    band INTEGER NOT NULL,
    band_key INTEGER NOT NULL,
    year INTEGER NOT NULL
);
CREATE INDEX letter_bands_key ON letter_bands(band_key, letter_id);
CREATE INDEX letter_bands_letter ON letter_bands(letter_id);

-- Phrases that belong only to certain units (e.g. 不办人情案、金钱案、关系案 → judicial units).
CREATE TABLE scope_phrases (
    id INTEGER PRIMARY KEY,
    phrase TEXT NOT NULL,
    allowed_keywords TEXT NOT NULL,
    note TEXT,
    created_at INTEGER NOT NULL
);

-- What the checks found: duplicate (same year), copied (same signer, earlier year), foreign (phrase).
CREATE TABLE letter_flags (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    letter_id INTEGER NOT NULL REFERENCES letters(id) ON DELETE CASCADE,
    other_key INTEGER NOT NULL,
    other_letter_id INTEGER REFERENCES letters(id) ON DELETE CASCADE,
    org_path TEXT NOT NULL,
    score_pm INTEGER NOT NULL,
    detail TEXT,
    status TEXT NOT NULL DEFAULT 'open',
    note TEXT,
    reviewed_by INTEGER REFERENCES users(id),
    reviewed_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX letter_flags_unique ON letter_flags(kind, letter_id, other_key);
CREATE INDEX letter_flags_scope ON letter_flags(year, org_path);

INSERT INTO scope_phrases (phrase, allowed_keywords, note, created_at) VALUES ('不办人情案、金钱案、关系案', '法院,检察院,公安,司法', '办案纪律：只适用于政法机关', 0);
INSERT INTO scope_phrases (phrase, allowed_keywords, note, created_at) VALUES ('严禁违规插手干预司法活动', '法院,检察院,公安,司法,政法', '适用于政法机关及政法委', 0);
