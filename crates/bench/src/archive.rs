//! `--archive`: 廉政档案 pages among a million 履责 records. The records (约谈 with their
//! interviewees, 履责纪实 with their participants, 谈话函询, 婚丧喜庆 reports, 个人有关事项,
//! 处分) are written straight into the database with set-based INSERT … SELECT over the
//! province's people; the bench county's people get a fuller file (some thirty entries each,
//! a cadre's file after a few years). Then 32 connections of the county's 纪委 account open
//! the files of 200 different people of the county, with 10 % writes mixed in (a 提醒谈话
//! recorded for one of them, which the next opening of his file shows).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use lianzheng_store::{Db, q, q_built};
use serde_json::json;

use crate::http::{self, Conn};

/// Rows per table over the whole province (together with the county's own: ≈ `total`).
fn shares(total: usize) -> [(&'static str, usize); 6] {
    let part = |per_mille: usize| total * per_mille / 1000;
    [("talks", part(300)), ("duty_records", part(100)), ("inquiries", part(100)), ("family_events", part(60)), ("personal_matters", part(20)), ("sanctions", part(20))]
}

/// `k` from 0 to `n - 1` as a derived table (both databases, no recursive CTE).
fn numbers(n: usize) -> String {
    (0..n.max(1)).map(|k| format!("SELECT {k} AS k")).collect::<Vec<_>>().join(" UNION ALL ")
}

/// The INSERT … SELECT of `rows` rows of `table` for the people chosen by `people` (a WHERE on
/// `p`), `per` rows per person at most.
fn insert(table: &str, people: &str, per: usize, rows: usize) -> String {
    let nums = numbers(per);
    let day = "CAST(2021 + (p.id + n.k) % 6 AS TEXT) || '-0' || CAST(1 + (p.id + 3 * n.k) % 9 AS TEXT) || '-1' || CAST((p.id + n.k) % 10 AS TEXT)";
    let year = "2021 + (p.id + n.k) % 6";
    let t = "1767225600";
    let select = match table {
        "talks" => format!(
            "INSERT INTO talks (year, org_id, org_path, talker_id, talker_name, kind, occasion, tags, talk_date, place, content, created_at, updated_at) \
             SELECT {year}, p.org_id, p.org_path, p.id, p.name, 'individual', CASE WHEN n.k % 3 = 0 THEN 'holiday' ELSE 'routine' END, 'integrity,work', {day}, '办公室', '压测约谈：提醒严守廉洁纪律，落实一岗双责。', {t}, {t}"
        ),
        "duty_records" => format!(
            "INSERT INTO duty_records (org_id, org_path, year, quarter, kind, title, act_date, place, leader_id, leader, content, entered_on, created_by_name, created_at, updated_at) \
             SELECT p.org_id, p.org_path, {year}, 1 + (p.id + n.k) % 4, 'study', '压测集中学习', {day}, '会议室', p.id, p.name, '学习党纪处分条例。', {day}, '压测数据', {t}, {t}"
        ),
        "inquiries" => format!(
            "INSERT INTO inquiries (org_id, org_path, kind, person_id, person_org_path, matter, source, issued_on, conclusion, concluded_on, created_at, updated_at) \
             SELECT p.org_id, p.org_path, CASE WHEN n.k % 2 = 0 THEN 'reminder' ELSE 'talk' END, p.id, p.org_path, '压测：反映一般性问题。', '信访举报', {day}, 'closed', {day}, {t}, {t}"
        ),
        "family_events" => format!(
            "INSERT INTO family_events (person_id, person_org_path, kind, event_date, tables_planned, guests_planned, clients_invited, venue, public_venue, public_funds, cost_estimate, filed_on, filed_by, days_ahead, created_at, updated_at) \
             SELECT p.id, p.org_path, 'wedding', {day}, 8 + n.k % 10, 80 + n.k % 100, FALSE, '家中', FALSE, FALSE, 20000, {day}, p.name, 10, {t}, {t}"
        ),
        "personal_matters" => format!(
            "INSERT INTO personal_matters (person_id, person_org_path, year, kind, happened_on, content, filed_on, created_at) \
             SELECT p.id, p.org_path, {year}, 'house', {day}, '压测：新购住房一套。', {day}, {t}"
        ),
        "sanctions" => format!(
            "INSERT INTO sanctions (person_id, person_org_path, category, kind, decided_on, body, matter, source, created_at) \
             SELECT p.id, p.org_path, 'organizational', 'notice', {day}, '压测纪委', '压测：工作失职。', 'manual', {t}"
        ),
        _ => String::new(),
    };
    format!("{select} FROM people p CROSS JOIN ({nums}) n WHERE {people} ORDER BY p.id, n.k LIMIT {rows}")
}

/// Writes ≈`total` records over the province; returns the person ids of the bench county
/// (the files the phase opens) and the seconds it took.
pub async fn seed(db: &Db, county_id: i64, total: usize, people: usize) -> anyhow::Result<(Vec<i64>, f64)> {
    let t0 = Instant::now();
    let (path,): (String,) = db.fetch_one(q("SELECT path FROM orgs WHERE id = $1").bind(county_id)).await?;
    let (lo, hi) = lianzheng_core::org::subtree_range(&path);
    let county = format!("p.org_path >= '{lo}' AND p.org_path < '{hi}'");
    // the county's people: a full file each (20 talks, 5 函询, 3 reports, 3 matters, 2 处分)
    let per_county: [(&str, usize); 5] = [("talks", 20), ("inquiries", 5), ("family_events", 3), ("personal_matters", 3), ("sanctions", 2)];
    let mut county_written = 0usize;
    for (table, per) in per_county {
        let n = usize::try_from(db.execute(q_built(insert(table, &county, per, 10_000_000))).await?).unwrap_or(0);
        // a talk brings its interviewee row too (written below)
        county_written += if table == "talks" { 2 * n } else { n };
    }
    // the rest of the province: each table's share, spread over everyone
    for (table, rows) in shares(total.saturating_sub(county_written)) {
        let per = rows.div_ceil(people.max(1));
        db.execute(q_built(insert(table, "1 = 1", per, rows))).await?;
    }
    // the join rows: each talk's interviewee (its talker here) and each record's participant
    db.execute(q("INSERT INTO talk_interviewees (talk_id, person_id, person_name) SELECT t.id, t.talker_id, t.talker_name FROM talks t WHERE NOT EXISTS (SELECT 1 FROM talk_interviewees i WHERE i.talk_id = t.id)"))
        .await?;
    db.execute(q("INSERT INTO duty_record_people (record_id, person_id, role) SELECT r.id, r.leader_id, 'participant' FROM duty_records r WHERE r.leader_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM duty_record_people x WHERE x.record_id = r.id)")).await?;
    let mut written = 0i64;
    for table in ["talks", "talk_interviewees", "duty_records", "duty_record_people", "inquiries", "family_events", "personal_matters", "sanctions"] {
        written += db.scalar_i64(q_built(format!("SELECT COUNT(*) FROM {table}"))).await?;
    }
    if db.backend() == lianzheng_store::Backend::Postgres {
        db.execute(q("ANALYZE")).await?;
    }
    let ids: Vec<(i64,)> = db.fetch_all(q_built(format!("SELECT p.id FROM people p WHERE {county} ORDER BY p.id LIMIT 200"))).await?;
    eprintln!("  廉政档案压测：写入履责记录 {written} 条（全省），本县档案 {} 人", ids.len());
    Ok((ids.into_iter().map(|r| r.0).collect(), t0.elapsed().as_secs_f64()))
}

/// Latencies (µs, sorted) of the file openings and of the writes.
pub struct Run {
    pub reads: Vec<u32>,
    pub writes: Vec<u32>,
}

/// `n` connections open the files of `people` in turn (each from a different one), one in ten
/// requests a write for the person of the moment.
pub async fn play(addr: SocketAddr, host: Arc<String>, token: Arc<String>, people: Arc<Vec<i64>>, n: usize, warmup: Duration, duration: Duration) -> anyhow::Result<Run> {
    anyhow::ensure!(!people.is_empty(), "本县没有人员");
    let start = Instant::now() + warmup;
    let end = start + duration;
    let mut set = tokio::task::JoinSet::new();
    for i in 0..n {
        let (host, token, people) = (host.clone(), token.clone(), people.clone());
        let mut c = Conn::connect(addr).await.context("无法连接服务")?;
        set.spawn(async move {
            let (mut reads, mut writes) = (Vec::new(), Vec::new());
            let mut k = i * 7;
            loop {
                let s = Instant::now();
                if s >= end {
                    return Ok::<_, anyhow::Error>((reads, writes));
                }
                k += 1;
                let person = people[k % people.len()];
                let write = k % 10 == 0;
                let (req, expect) = if write {
                    let body = json!({"kind": "reminder", "person_id": person, "matter": format!("压测提醒谈话{k}：注意廉洁自律。"), "source": "日常监督"}).to_string();
                    (http::json_request("POST", &host, "/api/v1/conduct/inquiries", &body, Some(&token)), 201)
                } else {
                    (http::get_request(&host, &format!("/conduct/archive/{person}"), Some(&token)), 200)
                };
                let r = c.send(&req).await?;
                if r.status != expect {
                    bail!("{} 返回 HTTP {}：{}", if write { "记录提醒谈话" } else { "打开廉政档案" }, r.status, String::from_utf8_lossy(&r.body[..r.body.len().min(300)]));
                }
                let e = Instant::now();
                if e >= start && e < end {
                    let us = u32::try_from((e - s).as_micros()).unwrap_or(u32::MAX);
                    if write { writes.push(us) } else { reads.push(us) }
                }
            }
        });
    }
    let (mut reads, mut writes) = (Vec::new(), Vec::new());
    while let Some(r) = set.join_next().await {
        let (a, b) = r.context("压测任务异常结束")??;
        reads.extend(a);
        writes.extend(b);
    }
    reads.sort_unstable();
    writes.sort_unstable();
    Ok(Run { reads, writes })
}
