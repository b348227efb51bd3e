-- The audit chain becomes keyed (HMAC-SM3 with a key derived from the node's secret_key, which
-- never enters the database). Keep in step with ../postgres/0006_audit_keyed.sql.
-- Entries written before this migration keep their unkeyed SM3 links ('sm3'); they are not
-- re-chained, since re-chaining would launder any tampering done before. New entries are
-- 'hmac-sm3'. Where the keyed part begins is sealed with the key at the first start
-- (settings 'audit_keyed_from', see crates/store/src/node_key.rs).
ALTER TABLE audit_log ADD COLUMN scheme TEXT NOT NULL DEFAULT 'sm3';
