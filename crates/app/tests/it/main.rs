//! Integration tests: one binary, every test run on SQLite and on PostgreSQL.
//! Each test gets a fresh database and the real server on a free port (`spawn_app`).

mod harness;

mod archive;
mod auth;
mod config_file;
mod orgs_people;
mod schema;
mod scope;
