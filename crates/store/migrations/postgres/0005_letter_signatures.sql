-- 定责: one MinHash signature per letter in place of 32 band rows (PostgreSQL). Keep in step with ../sqlite/0005_letter_signatures.sql.
-- The year check pairs letters in memory and a single letter's check scans its year's
-- signatures, so the band-row index (1.6 M rows for 50,000 letters, most of the check's time)
-- is gone. Letters checked before this migration get their signature at their year's next
-- check, or at the next single-letter check of that year.
DROP TABLE letter_bands;
CREATE TABLE letter_signatures (
    letter_id BIGINT PRIMARY KEY REFERENCES letters(id) ON DELETE CASCADE,
    year BIGINT NOT NULL,
    -- lianzheng_docs::similarity::SCHEME the signature was computed with; another is stale
    scheme BIGINT NOT NULL,
    -- 128 little-endian u32 (Signature::to_le_bytes), of the letter's own text
    signature BYTEA NOT NULL
);
CREATE INDEX letter_signatures_year ON letter_signatures(year);
