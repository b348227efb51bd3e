//! The pieces of page handlers that the API calls too, in one place.

pub use crate::pages::audit_page::{AuditQuery, audit_query};
