//! 定责 — letters: integration tests on both databases.
