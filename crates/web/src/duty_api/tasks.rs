//! API operations of 定责 — tasks.

use crate::api::Op;

pub const OPS: &[Op] = &[];
