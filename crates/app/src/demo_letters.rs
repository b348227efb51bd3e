//! Demo data for 定责 — letters.

use lianzheng_web::AppState;

pub async fn load(_st: &AppState) -> anyhow::Result<()> {
    Ok(())
}
