//! 审计日志的中文标签：every action code written to the audit log, with what the 安全审计员
//! reads for it.

/// The note after an intact chain when its first entries predate the key.
pub fn unkeyed_note(unkeyed: i64) -> String {
    if unkeyed > 0 { format!("（其中前 {unkeyed} 条为升级前的无密钥 SM3 记录）") } else { String::new() }
}
