//! 定责 — lists.

use crate::schema::TableDef;

/// Tables of this part, in dependency order, for the portable archive.
pub const TABLES: &[TableDef] = &[];
