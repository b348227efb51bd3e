//! `--ballots`: 廉政测评 ballots cast over HTTP through the public voting page, each with its
//! own one-time code, `n` phones at once, against plain durable inserts on the same disk in the
//! same run (`ballot_ratio` = ballots/s ÷ inserts/s). A ballot is a code marked used and a
//! ballot row inserted in one transaction, committed (SQLite synchronous=FULL) before the page
//! answers.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use lianzheng_store::audit::Actor;
use lianzheng_store::{Db, q};

use crate::http::Conn;

/// The code alphabet of the voting page (no 0/O, 1/I/L).
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// The `k`th code: `k` in the alphabet's base, ten letters.
fn code(k: usize) -> String {
    let mut v = k + 1_000_003;
    let mut s = [b'2'; 10];
    for c in s.iter_mut().rev() {
        *c = ALPHABET[v % ALPHABET.len()];
        v /= ALPHABET.len();
    }
    String::from_utf8_lossy(&s).into_owned()
}

/// A campaign of the bench county over its first unit with one meeting of `codes` codes;
/// returns the codes and the form's item ids.
pub async fn seed(db: &Db, county_id: i64, codes: usize) -> anyhow::Result<(Vec<String>, Vec<i64>)> {
    let (path,): (String,) = db.fetch_one(q("SELECT path FROM orgs WHERE id = $1").bind(county_id)).await?;
    let (unit_org, unit_path): (i64, String) = db.fetch_one(q("SELECT id, path FROM orgs WHERE parent_id = $1 ORDER BY id LIMIT 1").bind(county_id)).await.context("压测县没有下级单位")?;
    let actor = Actor::system("压测");
    let all: Vec<String> = (0..codes).map(code).collect();
    let mut tx = db.begin().await?;
    let campaign = lianzheng_store::inspection::campaigns::insert(&mut tx, 2026, "压测检查考核", county_id, &path, None).await?;
    let (unit,): (i64,) = tx.fetch_one(q("INSERT INTO inspection_units (campaign_id, org_id, org_path, spot_checked) VALUES ($1, $2, $3, TRUE) RETURNING id").bind(campaign).bind(unit_org).bind(unit_path)).await?;
    let items = ["领导班子落实主体责任情况", "主要负责人履行第一责任人职责情况", "班子成员履行“一岗双责”情况", "落实中央八项规定精神情况", "总体评价"];
    lianzheng_store::inspection::ballots::meeting_create(&mut tx, &actor, campaign, unit, "2026-12-02", &all, &items).await?;
    tx.commit().await?;
    let ids: Vec<(i64,)> = db.fetch_all(q("SELECT id FROM inspection_ballot_items WHERE campaign_id = $1 ORDER BY seq").bind(campaign)).await?;
    Ok((all, ids.into_iter().map(|r| r.0).collect()))
}

fn vote_request(host: &str, code: &str, items: &[i64], k: usize) -> Vec<u8> {
    let answers = ["A", "A", "B", "A", "C"];
    let body: Vec<String> = items.iter().enumerate().map(|(i, id)| format!("a{id}={}", answers[(i + k) % answers.len()])).collect();
    let body = body.join("&");
    format!("POST /ballot/{code} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// `n` connections casting ballots, each with the next unused code, for `duration` after a
/// warm-up. Returns each measured ballot's microseconds, sorted.
pub async fn play(addr: SocketAddr, host: Arc<String>, codes: Arc<Vec<String>>, items: Arc<Vec<i64>>, n: usize, warmup: Duration, duration: Duration) -> anyhow::Result<Vec<u32>> {
    let start = Instant::now() + warmup;
    let end = start + duration;
    let next = Arc::new(AtomicUsize::new(0));
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..n {
        let (host, codes, items, next) = (host.clone(), codes.clone(), items.clone(), next.clone());
        let mut c = Conn::connect(addr).await.context("无法连接服务")?;
        set.spawn(async move {
            let mut times = Vec::new();
            loop {
                let s = Instant::now();
                if s >= end {
                    return Ok::<_, anyhow::Error>(times);
                }
                let k = next.fetch_add(1, Ordering::Relaxed);
                let Some(code) = codes.get(k) else { bail!("测评码用完（{} 个），请加大 --ballots", codes.len()) };
                let r = c.send(&vote_request(&host, code, &items, k)).await?;
                if r.status != 200 {
                    bail!("投票返回 HTTP {}：{}", r.status, String::from_utf8_lossy(&r.body[..r.body.len().min(300)]));
                }
                let e = Instant::now();
                if e >= start && e < end {
                    times.push(u32::try_from((e - s).as_micros()).unwrap_or(u32::MAX));
                }
            }
        });
    }
    let mut all = Vec::new();
    while let Some(r) = set.join_next().await {
        all.extend(r.context("压测任务异常结束")??);
    }
    all.sort_unstable();
    Ok(all)
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_are_distinct_and_well_formed() {
        let a: std::collections::HashSet<String> = (0..5000).map(super::code).collect();
        assert_eq!(a.len(), 5000);
        assert!(a.iter().all(|c| c.len() == 10 && c.bytes().all(|b| super::ALPHABET.contains(&b))));
    }
}
