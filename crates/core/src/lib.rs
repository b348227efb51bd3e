//! lianzheng-core: domain types and rules. No IO, no HTTP, no database.

pub mod access;
pub mod audit_labels;
pub mod crypto;
pub mod duty;
pub mod filetype;
pub mod idcard;
pub mod names;
pub mod org;
pub mod password;
pub mod totp;
