//! JSON API of 定责, one module per part (lists, tasks, letters).

pub mod letters;
pub mod lists;
pub mod tasks;
