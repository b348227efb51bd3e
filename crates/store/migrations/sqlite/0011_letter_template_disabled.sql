-- 责任书模板 can be disabled once letters have been generated from it: a disabled template generates no new letters; the letters made keep their text.
ALTER TABLE letter_templates ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE;
