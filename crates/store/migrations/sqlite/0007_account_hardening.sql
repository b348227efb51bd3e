-- 基座加固 (item 5): a TOTP code is accepted once (the last used time step per account); the
-- time of an administrator's password reset, told at the next sign-in until the password is
-- changed; and password resets that take effect only when a second administrator approves.
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;
ALTER TABLE users ADD COLUMN reset_notice_at INTEGER;

CREATE TABLE password_resets (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    requested_by INTEGER REFERENCES users(id),
    requested_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    decided_by INTEGER REFERENCES users(id),
    decided_at INTEGER
);
-- one open request per account
CREATE UNIQUE INDEX password_resets_one_pending ON password_resets (user_id) WHERE status = 'pending';
CREATE INDEX password_resets_status ON password_resets (status, id);
