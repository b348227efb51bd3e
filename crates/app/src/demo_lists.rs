//! Demo data for 定责 — lists.

use lianzheng_web::AppState;

pub async fn load(_st: &AppState) -> anyhow::Result<()> {
    Ok(())
}
