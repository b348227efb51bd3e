//! JSON API of 履责, one module per part.
pub mod exams;
pub mod inquiries;
pub mod records;
pub mod talks;
