//! JSON API of 履责, one module per part.
pub mod archive;
pub mod exams;
pub mod inquiries;
pub mod notices;
pub mod records;
pub mod replies;
pub mod statements;
pub mod talks;
