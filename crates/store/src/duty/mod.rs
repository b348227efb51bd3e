//! 定责: responsibility lists (责任清单), the year's task split (任务分工) and
//! responsibility letters (责任书/承诺书). Each part owns its tables and its migration.

pub mod letters;
pub mod lists;
pub mod tasks;
