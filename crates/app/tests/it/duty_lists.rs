//! 定责 — lists: integration tests on both databases.
