-- 共性清单 can be disabled once used: a disabled template is no longer copied into new lists.
ALTER TABLE duty_templates ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE;
