//! API operations of 定责 — lists.

use crate::api::Op;

pub const OPS: &[Op] = &[];
