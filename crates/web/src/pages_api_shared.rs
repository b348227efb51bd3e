//! The pieces of page handlers that the API calls too, in one place.

pub use crate::pages::audit_page::{AuditQuery, audit_query};
pub use crate::pages::people::{ListQuery as PeopleQuery, edit_input as person_edit_input, search as people_query};
