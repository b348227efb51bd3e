-- 工作日历: the days that are not what their weekday says (休息日 on a weekday, 调休上班日 on a
-- Saturday or Sunday), per year, and per year whether the data was checked against the State
-- Council's notice. Every other day is a working day from Monday to Friday. The current and
-- next year ship with the program and are loaded at start-up (decision 0017); a year the
-- 系统管理员 has changed (source = 'edited') is never overwritten by the shipped data.
CREATE TABLE calendar_years (
    year INTEGER PRIMARY KEY,
    confirmed BOOLEAN NOT NULL DEFAULT FALSE,
    -- shipped: as the program brought it; edited: changed or confirmed by the 系统管理员
    source TEXT NOT NULL DEFAULT 'shipped',
    note TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL
);

CREATE TABLE calendar_days (
    day TEXT PRIMARY KEY,
    year INTEGER NOT NULL REFERENCES calendar_years(year),
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL
);
CREATE INDEX calendar_days_year ON calendar_days(year);
