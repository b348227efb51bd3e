#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::field_reassign_with_default)]
//! Integration tests: one binary, every test run on SQLite and on PostgreSQL.
//! Each test gets a fresh database and the real server on a free port (`spawn_app`).

mod harness;

mod account_rules;
mod api_parity;
mod archive;
mod audit_chain;
mod audit_log;
mod auth;
mod backup;
mod bad_input;
mod caches;
mod calendar;
mod conduct_archive;
mod conduct_exams;
mod conduct_inquiries;
mod conduct_notices;
mod conduct_records;
mod conduct_replies;
mod conduct_statements;
mod conduct_talks;
mod config_file;
mod duty_forms;
mod duty_letter_rules;
mod duty_letter_templates;
mod duty_letters;
mod duty_lists;
mod duty_tasks;
mod holes;
mod inspection_ballots;
mod inspection_campaigns;
mod inspection_findings;
mod inspection_scoring;
mod inspection_selfchecks;
mod jobs_cli;
mod orgs_people;
mod schema;
mod scope;
mod scope_matrix;
mod settings;
mod tables;
mod todo;
