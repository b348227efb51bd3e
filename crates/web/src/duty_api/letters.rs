//! API operations of 定责 — letters.

use crate::api::Op;

pub const OPS: &[Op] = &[];
