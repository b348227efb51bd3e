-- 考责 — 廉政测评 (anonymous integrity ballots, sqlite). Keep in step with
-- ../postgres/0026_inspection_ballots.sql. Anonymity is kept by the shape of the tables
-- (docs/decisions/0023-ballot-anonymity.md): a ballot row names its meeting only — no code,
-- no person, no time (the meeting's day is the finest there is) — and its key is random, in a
-- table without rowid, so neither its key nor its place in the table tells when it was cast.
-- A code row keeps only whether it was used, never which ballot.

-- The ballot form of a campaign: its items, in order (default: the items of the field's 测评表).
CREATE TABLE inspection_ballot_items (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES inspection_campaigns(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE UNIQUE INDEX inspection_ballot_items_seq ON inspection_ballot_items(campaign_id, seq);

-- A 测评 meeting held at a unit of the campaign: N one-time codes handed out on paper.
CREATE TABLE inspection_ballot_meetings (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES inspection_campaigns(id) ON DELETE CASCADE,
    unit_id INTEGER NOT NULL REFERENCES inspection_units(id) ON DELETE CASCADE,
    held_on TEXT NOT NULL,
    codes INTEGER NOT NULL,
    -- open (codes accepted) | closed
    status TEXT NOT NULL DEFAULT 'open',
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX inspection_ballot_meetings_campaign ON inspection_ballot_meetings(campaign_id, unit_id);

-- The one-time codes: the code itself (printed on the sheet) and whether it was used. Nothing else.
CREATE TABLE inspection_ballot_codes (
    code TEXT PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES inspection_ballot_meetings(id) ON DELETE CASCADE,
    used BOOLEAN NOT NULL DEFAULT FALSE
) WITHOUT ROWID;
CREATE INDEX inspection_ballot_codes_meeting ON inspection_ballot_codes(meeting_id, used);

-- The ballots: a random key, the meeting, the answers (one letter per item in the form's order:
-- A 满意, B 基本满意, C 不满意) and the optional comment.
CREATE TABLE inspection_ballots (
    id TEXT PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES inspection_ballot_meetings(id) ON DELETE CASCADE,
    answers TEXT NOT NULL,
    comment TEXT
) WITHOUT ROWID;
CREATE INDEX inspection_ballots_meeting ON inspection_ballots(meeting_id, id);
