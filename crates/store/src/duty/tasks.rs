//! 定责 — tasks.

use crate::schema::TableDef;

/// Tables of this part, in dependency order, for the portable archive.
pub const TABLES: &[TableDef] = &[];
