//! 责任清单: 主体责任清单 and 监督责任清单 per year, per unit and per person (书记's
//! first-responsible list, each 班子成员's 一岗双责 list). A higher body publishes 共性 items
//! for units of a kind; each unit adds 个性 items; the unit files (备案) with the higher 纪委,
//! which accepts or returns it; every submission and review keeps a snapshot.

use crate::db::ColType::{Bool as B, I64 as I, Text as T};
use crate::schema::TableDef;

/// Tables of this part, in dependency order, for the portable archive.
pub const TABLES: &[TableDef] = &[
    TableDef { name: "duty_templates", columns: &[("id", I), ("year", I), ("org_id", I), ("org_path", T), ("kind", T), ("target_kind", T), ("title", T), ("published", B), ("created_at", I), ("updated_at", I)] },
    TableDef { name: "duty_template_items", columns: &[("id", I), ("template_id", I), ("seq", I), ("category", T), ("content", T)] },
    TableDef {
        name: "duty_lists",
        columns: &[
            ("id", I),
            ("year", I),
            ("org_id", I),
            ("org_path", T),
            ("kind", T),
            ("holder_id", I),
            ("person_id", I),
            ("title", T),
            ("status", T),
            ("current_version", I),
            ("return_reason", T),
            ("submitted_at", I),
            ("reviewed_at", I),
            ("reviewed_by", I),
            ("created_at", I),
            ("updated_at", I),
            ("version", I),
        ],
    },
    TableDef { name: "duty_items", columns: &[("id", I), ("list_id", I), ("seq", I), ("scope", T), ("template_item_id", I), ("category", T), ("content", T), ("created_at", I)] },
    TableDef { name: "duty_list_versions", columns: &[("id", I), ("list_id", I), ("version", I), ("event", T), ("reason", T), ("snapshot", T), ("actor_id", I), ("actor_name", T), ("at", I)] },
];
