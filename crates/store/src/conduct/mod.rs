//! 履责: the records of duty done (纪实, 约谈 …), one module per part, each owning its tables and migration.

pub mod archive;
pub mod education;
pub mod exams;
pub mod inquiries;
pub mod notices;
pub mod records;
pub mod replies;
pub mod statements;
pub mod talks;
