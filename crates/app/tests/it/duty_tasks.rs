//! 定责 — tasks: integration tests on both databases.
