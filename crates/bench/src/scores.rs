//! `--scores`: 考责 scoring at capacity. Two campaigns of the bench county under one standard of
//! 60 last-level indicators (6 first-level ones, each last-level one with two deductions and a
//! bonus, one with a veto):
//!
//! - a large one of N synthetic units (15,000 by default), every unit scored on all three
//!   sheets (self, one inspector, the group leader's final; 2.7 million rows, some deductions,
//!   bonuses and a few vetoes chosen), whose results the organiser (the county 纪委 account)
//!   opens through `GET /api/v1/inspection/{id}/results` and exports as XLSX;
//! - a county-sized one where 50 inspectors, each with his own account and group and four
//!   units, save their inspector sheets at once through
//!   `PUT /api/v1/inspection/units/{id}/scores/inspector` (five indicators changed per save,
//!   each with the version last written; one save in 25 deliberately stale, answered 409).
//!
//! Rows are seeded set-based (`INSERT … SELECT` over units × indicators × sheets, the choice of
//! items a hash of unit, indicator and sheet, points computed from it) so the seed is seconds,
//! not 2.7 million statements; synthetic organisations and units go in with multi-row INSERTs.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use lianzheng_core::ids::{OrgId, PersonId};
use lianzheng_core::org::{OrgKind, Role};
use lianzheng_core::password::PasswordHasher;
use lianzheng_store::audit::Actor;
use lianzheng_store::inspection::{campaigns, standards};
use lianzheng_store::users::{self, UserInput};
use lianzheng_store::{Backend, Db, Val, now, q, q_built};
use serde_json::{Value, json};

use crate::http::{self, Conn};

pub const PASSWORD: &str = "Scores@2026lz";
/// Inspectors saving at once.
pub const INSPECTORS: usize = 50;
/// Units per inspector (his group's) in the save campaign.
const UNITS_PER_INSPECTOR: usize = 4;
/// Units per group in the large campaign.
const UNITS_PER_GROUP: usize = 150;
/// Indicators changed per save.
const ROWS_PER_SAVE: usize = 5;
/// One save in this many carries a stale version on purpose (two tabs of one inspector).
const STALE_EVERY: u32 = 25;
/// First-level indicators × last-level ones under each.
const PARENTS: usize = 6;
const LEAVES_PER_PARENT: usize = 10;
/// Points (tenths) of the items of every last-level indicator: deduct, deduct, bonus.
const DEDUCT_A: i64 = 5;
const DEDUCT_B: i64 = 10;
const BONUS: i64 = 5;
/// The kinds of the synthetic units (ranks are within a kind).
const KINDS: [OrgKind; 5] = [OrgKind::PartyGroup, OrgKind::Township, OrgKind::Branch, OrgKind::Unit, OrgKind::GeneralBranch];

/// One inspector of the save campaign.
pub struct Inspector {
    pub username: String,
    pub person_id: i64,
    pub units: Vec<i64>,
    token: String,
}

/// A last-level indicator and its two deduction items.
#[derive(Clone, Copy)]
pub struct Leaf {
    pub id: i64,
    pub deduct_a: i64,
    pub deduct_b: i64,
}

pub struct Seeded {
    pub results_campaign: i64,
    pub units: usize,
    pub rows: i64,
    pub item_rows: i64,
    pub inspectors: Vec<Inspector>,
    pub leaves: Vec<Leaf>,
}

/// The hash that decides a row's items: 0 → deduction A once, 1 → deduction B once,
/// 2 → deduction A twice, 3 → the bonus; the inspector's and the final sheet agree (k = 2).
fn h(unit: &str, indicator: &str, k: &str) -> String {
    format!("(({unit} * 7 + {indicator} * 13 + {k} * 5) % 23)")
}

/// Seeds both campaigns straight into the database (before the server starts).
pub async fn seed(db: &Db, county_id: i64, units: usize, year: i64) -> anyhow::Result<Seeded> {
    let (county_path, county_level): (String, i64) = db.fetch_one(q("SELECT path, level FROM orgs WHERE id = $1").bind(county_id)).await?;
    let (lo, hi) = lianzheng_core::org::subtree_range(&county_path);
    // inspectors and group leaders: people of the county, one account each for the 50
    let people: Vec<(i64, i64)> = db.fetch_all(q("SELECT id, org_id FROM people WHERE org_path >= $1 AND org_path < $2 ORDER BY id LIMIT 400").bind(lo.as_str()).bind(hi.as_str())).await?;
    anyhow::ensure!(people.len() >= INSPECTORS + 20, "压测县人员不足（{} 人）", people.len());
    let actor = Actor::system("压测数据");
    let t = now();

    // synthetic units under the county: ids past the largest, paths known
    let base: i64 = db.scalar_i64(q("SELECT COALESCE(MAX(id), 0) FROM orgs")).await? + 1;
    let org_rows: Vec<Vec<Val>> = (0..units)
        .map(|i| {
            let id = base + i as i64;
            vec![
                Val::from(id),
                Val::from(county_id),
                Val::from(format!("压测考核单位{:05}", i + 1)),
                Val::from(KINDS[i % KINDS.len()].code()),
                Val::from(format!("BENCH-SC-{:05}", i + 1)),
                Val::from(county_level + 1),
                Val::from(10_000 + i as i64),
                Val::from(format!("{county_path}{id}/")),
                Val::from(t),
                Val::from(t),
            ]
        })
        .collect();
    let mut tx = db.begin().await?;
    crate::generate::insert_rows(&mut tx, "orgs", &["id", "parent_id", "name", "kind", "code", "level", "sort_order", "path", "created_at", "updated_at"], org_rows).await?;
    tx.commit().await?;
    if db.backend() == Backend::Postgres {
        db.execute(q("SELECT setval(pg_get_serial_sequence('orgs', 'id'), (SELECT MAX(id) FROM orgs))")).await?;
    }
    let orgs: Vec<(i64, String)> = (0..units).map(|i| (base + i as i64, format!("{county_path}{}/", base + i as i64))).collect();

    // the standard: 6 × 10 last-level indicators, 100 points in all
    let mut tx = db.begin().await?;
    let standard = standards::insert(
        &mut tx,
        &actor,
        &standards::NewStandard { org_id: county_id, org_path: &county_path, year, title: "压测党风廉政建设责任制检查考核评分标准", bonus_cap_tenths: 30, copied_from: None, created_by: None },
    )
    .await?;
    let mut leaves = Vec::with_capacity(PARENTS * LEAVES_PER_PARENT);
    let mut veto_leaf = 0;
    for p in 0..PARENTS {
        let (parent,): (i64,) = tx
            .fetch_one(
                q("INSERT INTO inspection_indicators (standard_id, parent_id, seq, name, max_tenths) VALUES ($1, NULL, $2, $3, 0) RETURNING id").bind(standard).bind(p as i64 + 1).bind(format!("压测一级指标{}", p + 1)),
            )
            .await?;
        for l in 0..LEAVES_PER_PARENT {
            // 40 indicators of 1.5 points and 20 of 2: 100 points
            let max = if l < 7 - usize::from(p % 3 == 0) { 15 } else { 20 };
            let (id,): (i64,) = tx
                .fetch_one(
                    q("INSERT INTO inspection_indicators (standard_id, parent_id, seq, name, max_tenths, rule, evidence) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
                        .bind(standard)
                        .bind(parent)
                        .bind(l as i64 + 1)
                        .bind(format!("压测二级指标{}.{}", p + 1, l + 1))
                        .bind(max)
                        .bind("未按要求落实的，每项扣 0.5 分；情节严重的扣 1 分")
                        .bind("会议记录、工作台账"),
                )
                .await?;
            let mut items = vec![("deduct", "未按要求落实", DEDUCT_A), ("deduct", "落实不到位、情节较重", DEDUCT_B), ("bonus", "工作创新获上级肯定", BONUS)];
            if p == PARENTS - 1 && l == 0 {
                items.push(("veto", "发生严重违纪违法案件", 0));
                veto_leaf = id;
            }
            let mut ids = Vec::new();
            for (seq, (kind, text, pts)) in items.iter().enumerate() {
                let (item,): (i64,) = tx
                    .fetch_one(
                        q("INSERT INTO inspection_standard_items (indicator_id, seq, kind, text, points_tenths) VALUES ($1, $2, $3, $4, $5) RETURNING id").bind(id).bind(seq as i64 + 1).bind(*kind).bind(*text).bind(*pts),
                    )
                    .await?;
                ids.push(item);
            }
            leaves.push(Leaf { id, deduct_a: ids[0], deduct_b: ids[1] });
        }
    }
    tx.commit().await?;
    let total: i64 = db.scalar_i64(q("SELECT CAST(COALESCE(SUM(max_tenths), 0) AS BIGINT) FROM inspection_indicators WHERE standard_id = $1 AND parent_id IS NOT NULL").bind(standard)).await?;
    anyhow::ensure!(total == 1000, "评分标准总分 {total} 应为 1000（十分之一分）");

    // the large campaign: groups of 150 units, each a leader and one inspector from the county's people
    let groups = units.div_ceil(UNITS_PER_GROUP).max(1);
    let pool = &people[INSPECTORS..];
    let mut group_members = Vec::with_capacity(groups);
    for g in 0..groups {
        let leader = pool[(2 * g) % pool.len()].0;
        let member = pool[(2 * g + 1) % pool.len()].0;
        group_members.push((leader, member));
    }
    let results_campaign = campaign(db, &actor, county_id, &county_path, year, "压测检查考核（结果）", standard, &group_members, &orgs, UNITS_PER_GROUP).await?;

    // the save campaign: 50 groups, each an inspector (its leader and member) with four units
    let save_units = INSPECTORS * UNITS_PER_INSPECTOR;
    anyhow::ensure!(units >= save_units, "--scores 至少需要 {save_units} 个单位");
    let save_groups: Vec<(i64, i64)> = people[..INSPECTORS].iter().map(|(p, _)| (*p, *p)).collect();
    let save_campaign = campaign(db, &actor, county_id, &county_path, year, "压测检查考核（评分）", standard, &save_groups, &orgs[..save_units], UNITS_PER_INSPECTOR).await?;

    // every unit scored on all three sheets, set-based
    let mut tx = db.begin().await?;
    for c in [results_campaign, save_campaign] {
        fill_scores(&mut tx, c, standard, veto_leaf, t).await?;
    }
    tx.commit().await?;
    let rows = db.scalar_i64(q("SELECT COUNT(*) FROM inspection_scores WHERE campaign_id = $1").bind(results_campaign)).await?;
    let item_rows = db.scalar_i64(q("SELECT COUNT(*) FROM inspection_score_items c JOIN inspection_scores s ON s.id = c.score_id WHERE s.campaign_id = $1").bind(results_campaign)).await?;

    // the inspectors' accounts (a cheap hash: the bench measures saving, not argon2)
    let hash = PasswordHasher::new(1024, 1, 1).and_then(|h| h.hash(PASSWORD)).map_err(|e| anyhow::anyhow!(e.to_string()))?;
    let save_unit_ids: Vec<(i64, i64)> =
        db.fetch_all(q("SELECT u.id, g.leader_id FROM inspection_units u JOIN inspection_groups g ON g.id = u.group_id WHERE u.campaign_id = $1 ORDER BY u.id").bind(save_campaign)).await?;
    let mut tx = db.begin().await?;
    let mut inspectors = Vec::with_capacity(INSPECTORS);
    for (i, (person, org)) in people[..INSPECTORS].iter().enumerate() {
        let username = format!("sc{i:03}");
        let uid =
            users::create(&mut tx, &actor, &UserInput { username: username.clone(), display_name: format!("压测检查组成员{i}"), person_id: Some(PersonId::new(*person)), org_id: Some(OrgId::new(*org)) }, &hash, false)
                .await?;
        users::add_grant(&mut tx, &actor, uid, Role::Inspector, Some(OrgId::new(*org))).await?;
        let units: Vec<i64> = save_unit_ids.iter().filter(|(_, l)| l == person).map(|(u, _)| *u).collect();
        anyhow::ensure!(units.len() == UNITS_PER_INSPECTOR, "检查组成员 {username} 有 {} 个单位", units.len());
        inspectors.push(Inspector { username, person_id: *person, units, token: String::new() });
    }
    tx.commit().await?;
    if db.backend() == Backend::Postgres {
        // planner statistics for the new rows now, as the generator does
        db.execute_script("ANALYZE".to_string()).await?;
    }
    Ok(Seeded { results_campaign, units, rows, item_rows, inspectors, leaves })
}

/// An open campaign of the county over `orgs`, `per_group` units to a group (leader, member),
/// all spot-checked, scoring with `standard`.
#[allow(clippy::too_many_arguments)]
async fn campaign(db: &Db, actor: &Actor, county_id: i64, county_path: &str, year: i64, title: &str, standard: i64, groups: &[(i64, i64)], orgs: &[(i64, String)], per_group: usize) -> anyhow::Result<i64> {
    let mut tx = db.begin().await?;
    let c = campaigns::insert(&mut tx, year, title, county_id, county_path, None).await?;
    tx.execute(q("UPDATE inspection_campaigns SET status = 'open', doc_number = '压测〔2026〕1号', issued_on = '2026-11-01' WHERE id = $1").bind(c)).await?;
    tx.execute(q("INSERT INTO inspection_scoring (campaign_id, standard_id) VALUES ($1, $2)").bind(c).bind(standard)).await?;
    let mut gids = Vec::with_capacity(groups.len());
    for (g, (leader, member)) in groups.iter().enumerate() {
        let (gid,): (i64,) = tx.fetch_one(q("INSERT INTO inspection_groups (campaign_id, name, leader_id) VALUES ($1, $2, $3) RETURNING id").bind(c).bind(format!("压测检查组{}", g + 1)).bind(*leader)).await?;
        tx.execute(q("INSERT INTO inspection_group_members (group_id, person_id) VALUES ($1, $2)").bind(gid).bind(*member)).await?;
        gids.push(gid);
    }
    let rows: Vec<Vec<Val>> = orgs.iter().enumerate().map(|(i, (id, path))| vec![Val::from(c), Val::from(*id), Val::from(path.as_str()), Val::from(true), Val::from(gids[(i / per_group) % gids.len()])]).collect();
    crate::generate::insert_rows(&mut tx, "inspection_units", &["campaign_id", "org_id", "org_path", "spot_checked", "group_id"], rows).await?;
    let _ = actor;
    tx.commit().await?;
    Ok(c)
}

/// Every unit of the campaign × every last-level indicator × the three sheets, and the items
/// those rows chose, in two statements.
async fn fill_scores(tx: &mut lianzheng_store::Tx, campaign: i64, standard: i64, veto_leaf: i64, t: i64) -> anyhow::Result<()> {
    let hs = h("u.id", "d.id", "s.k");
    let veto = format!("(d.id = {veto_leaf} AND s.k = 2 AND u.id % 499 = 0)");
    let sql = format!(
        "INSERT INTO inspection_scores (campaign_id, unit_id, indicator_id, sheet, scorer_id, points_tenths, bonus_tenths, veto, reason, updated_at) \
         SELECT u.campaign_id, u.id, d.id, s.sheet, CASE WHEN s.sheet = 'inspector' THEN m.person_id ELSE 0 END, \
           d.max_tenths - (CASE {hs} WHEN 0 THEN {DEDUCT_A} WHEN 1 THEN {DEDUCT_B} WHEN 2 THEN {} ELSE 0 END), \
           CASE WHEN {hs} = 3 THEN {BONUS} ELSE 0 END, \
           CASE WHEN {veto} THEN TRUE ELSE FALSE END, \
           CASE WHEN {veto} THEN '检查发现本年度发生严重违纪案件' WHEN {hs} < 3 THEN '检查发现：相关工作台账不完整，部分会议记录缺失' ELSE NULL END, \
           $1 \
         FROM inspection_units u JOIN inspection_group_members m ON m.group_id = u.group_id \
         CROSS JOIN inspection_indicators d \
         CROSS JOIN (SELECT 'self' AS sheet, 1 AS k UNION ALL SELECT 'inspector', 2 UNION ALL SELECT 'final', 2) s \
         WHERE u.campaign_id = $2 AND d.standard_id = $3 AND d.parent_id IS NOT NULL",
        2 * DEDUCT_A
    );
    tx.execute(q_built(sql).bind(t).bind(campaign).bind(standard)).await.context("批量写入评分失败")?;
    let hc = h("c.unit_id", "c.indicator_id", "(CASE WHEN c.sheet = 'self' THEN 1 ELSE 2 END)");
    let sql = format!(
        "INSERT INTO inspection_score_items (score_id, item_id, count) \
         SELECT c.id, i.id, CASE WHEN {hc} = 2 THEN 2 ELSE 1 END \
         FROM inspection_scores c JOIN inspection_standard_items i ON i.indicator_id = c.indicator_id \
         WHERE c.campaign_id = $1 AND ((i.seq = 1 AND {hc} IN (0, 2)) OR (i.seq = 2 AND {hc} = 1) OR (i.seq = 3 AND {hc} = 3) OR (i.seq = 4 AND c.veto))"
    );
    tx.execute(q_built(sql).bind(campaign)).await.context("批量写入评分项失败")?;
    Ok(())
}

/// Signs the inspectors in.
pub async fn login_all(s: &mut Seeded, addr: SocketAddr, host: &str) -> anyhow::Result<()> {
    let mut c = Conn::connect(addr).await?;
    for i in s.inspectors.iter_mut() {
        let body = json!({"username": i.username, "password": PASSWORD}).to_string();
        let r = c.send(&http::post_json_request(host, "/api/v1/auth/login", &body)).await?;
        if r.status != 200 {
            bail!("{} 登录失败：HTTP {}：{}", i.username, r.status, String::from_utf8_lossy(r.body));
        }
        let v: Value = serde_json::from_slice(r.body).context("登录响应不是 JSON")?;
        i.token = v["token"].as_str().context("登录响应中没有 token")?.to_string();
    }
    Ok(())
}

/// The versions of an inspector's own rows on a unit, read through the API: indicator → version.
async fn my_versions(c: &mut Conn, host: &str, i: &Inspector, unit: i64) -> anyhow::Result<std::collections::HashMap<i64, i64>> {
    let r = c.send(&http::get_request(host, &format!("/api/v1/inspection/units/{unit}/scores"), Some(&i.token))).await?;
    if r.status != 200 {
        bail!("{} 打开单位 {unit} 的评分返回 HTTP {}：{}", i.username, r.status, String::from_utf8_lossy(&r.body[..r.body.len().min(300)]));
    }
    let v: Value = serde_json::from_slice(r.body).context("评分响应不是 JSON")?;
    let sheet = v["inspectors"].as_array().and_then(|a| a.iter().find(|s| s["scorer_id"].as_i64() == Some(i.person_id))).with_context(|| format!("{} 在单位 {unit} 没有自己的评分表", i.username))?;
    let rows = sheet["rows"].as_object().context("评分表没有 rows")?;
    Ok(rows.iter().filter_map(|(k, r)| Some((k.parse::<i64>().ok()?, r["row"]["version"].as_i64()?))).collect())
}

/// What the save phase measured.
pub struct Saves {
    /// Latencies (µs) of the saves answered 200, sorted.
    pub ok: Vec<u32>,
    /// Stale saves answered 409 (sent on purpose), and their latencies.
    pub conflicts: Vec<u32>,
}

/// 50 inspectors save their sheets at once, each over his own connection, back to back, for
/// `warmup` + `duration`; then every unit is read back and the versions checked.
pub async fn play_saves(s: &Seeded, addr: SocketAddr, host: Arc<String>, warmup: Duration, duration: Duration) -> anyhow::Result<Saves> {
    // each inspector's current versions, by unit
    let mut c = Conn::connect(addr).await?;
    let mut state = Vec::with_capacity(s.inspectors.len());
    for i in &s.inspectors {
        let mut per_unit = Vec::new();
        for u in &i.units {
            per_unit.push(my_versions(&mut c, &host, i, *u).await?);
        }
        state.push(per_unit);
    }
    let start = Instant::now() + warmup;
    let end = start + duration;
    let leaves = Arc::new(s.leaves.clone());
    let mut set = tokio::task::JoinSet::new();
    for (n, (i, mut versions)) in s.inspectors.iter().zip(state).enumerate() {
        let (host, leaves, token, units) = (host.clone(), leaves.clone(), i.token.clone(), i.units.clone());
        let mut c = Conn::connect(addr).await.context("无法连接服务")?;
        set.spawn(async move {
            let (mut ok, mut conflicts) = (Vec::new(), Vec::new());
            let mut k: u32 = n as u32;
            loop {
                let t0 = Instant::now();
                if t0 >= end {
                    return Ok::<_, anyhow::Error>((n, ok, conflicts, versions));
                }
                k += 1;
                let ui = k as usize % units.len();
                let visit = k as usize / units.len();
                let stale = k.is_multiple_of(STALE_EVERY);
                let mut rows = Vec::with_capacity(ROWS_PER_SAVE);
                let mut touched = Vec::with_capacity(ROWS_PER_SAVE);
                for j in 0..ROWS_PER_SAVE {
                    let leaf = leaves[(visit * ROWS_PER_SAVE + j * 11 + n) % leaves.len()];
                    let v = versions[ui].get(&leaf.id).copied();
                    let v = if stale && j == 0 { v.map(|v| v - 1) } else { v };
                    // the choice moves on every visit, so each row really changes
                    let (items, reason) = match (visit + j) % 3 {
                        0 => (json!([]), json!("")),
                        1 => (json!([{"item_id": leaf.deduct_a, "count": 1}]), json!(format!("第{visit}轮检查：会议记录不完整"))),
                        _ => (json!([{"item_id": leaf.deduct_b, "count": 1}]), json!(format!("第{visit}轮检查：责任落实不到位"))),
                    };
                    rows.push(json!({"indicator_id": leaf.id, "version": v, "items": items, "reason": reason, "evidence": "检查组查阅台账"}));
                    touched.push(leaf.id);
                }
                let body = json!({"rows": rows}).to_string();
                let r = c.send(&http::json_request("PUT", &host, &format!("/api/v1/inspection/units/{}/scores/inspector", units[ui]), &body, Some(&token))).await?;
                let status = r.status;
                let e = Instant::now();
                let us = u32::try_from((e - t0).as_micros()).unwrap_or(u32::MAX);
                let measured = e >= start && e < end;
                match (status, stale) {
                    (200, false) => {
                        // a saved row's version goes up by one (a new row starts at 1)
                        for id in touched {
                            let v = versions[ui].entry(id).or_insert(0);
                            *v += 1;
                        }
                        if measured {
                            ok.push(us);
                        }
                    }
                    (409, true) => {
                        if measured {
                            conflicts.push(us);
                        }
                    }
                    _ => bail!("保存评分（单位 {}，{}）返回 HTTP {status}：{}", units[ui], if stale { "故意过期版本" } else { "当前版本" }, String::from_utf8_lossy(&r.body[..r.body.len().min(300)])),
                }
            }
        });
    }
    let mut out = Saves { ok: Vec::new(), conflicts: Vec::new() };
    let mut finals = Vec::new();
    while let Some(r) = set.join_next().await {
        let (n, ok, conflicts, versions) = r.context("压测任务异常结束")??;
        out.ok.extend(ok);
        out.conflicts.extend(conflicts);
        finals.push((n, versions));
    }
    out.ok.sort_unstable();
    out.conflicts.sort_unstable();
    // every save landed: the versions read back are the ones counted
    for (n, versions) in finals {
        let i = &s.inspectors[n];
        for (ui, u) in i.units.iter().enumerate() {
            let got = my_versions(&mut c, &host, i, *u).await?;
            anyhow::ensure!(got == versions[ui], "{} 在单位 {u} 的评分版本与保存次数不符", i.username);
        }
    }
    Ok(out)
}

/// The organiser's results (`n` calls after one unmeasured) and, when `xlsx`, their export:
/// (results ms sorted, xlsx ms sorted, units in the answer, response bytes).
pub async fn play_results(addr: SocketAddr, host: &str, token: &str, campaign: i64, expect_units: usize, n: usize, xlsx: usize) -> anyhow::Result<(Vec<f64>, Vec<f64>, usize)> {
    let mut c = Conn::connect(addr).await?;
    let req = http::get_request(host, &format!("/api/v1/inspection/{campaign}/results"), Some(token));
    let mut times = Vec::with_capacity(n);
    let mut bytes = 0;
    for k in 0..=n {
        let t0 = Instant::now();
        let r = c.send(&req).await?;
        let ms = t0.elapsed().as_secs_f64() * 1000.0;
        if r.status != 200 {
            bail!("评分结果返回 HTTP {}：{}", r.status, String::from_utf8_lossy(&r.body[..r.body.len().min(300)]));
        }
        if k == 0 {
            // the first answer is checked: every unit, graded and ranked
            let v: Value = serde_json::from_slice(r.body).context("评分结果不是 JSON")?;
            let units = v["units"].as_array().context("评分结果没有 units")?;
            anyhow::ensure!(units.len() == expect_units, "评分结果有 {} 个单位，应为 {expect_units}", units.len());
            let graded = units.iter().filter(|u| u["grade"].is_string() && u["rank"].is_u64()).count();
            anyhow::ensure!(graded == expect_units, "评分结果中只有 {graded} 个单位有等次和排名");
            let vetoed = units.iter().filter(|u| u["grade"] == "差" && u["veto_reasons"].as_array().is_some_and(|a| !a.is_empty())).count();
            eprintln!("  评分结果校验通过：{} 个单位均有等次和排名（一票否决 {vetoed} 个），响应 {} 字节", units.len(), r.body.len());
            bytes = r.body.len();
        } else {
            times.push(ms);
        }
    }
    let mut xl = Vec::with_capacity(xlsx);
    let req = http::get_request(host, &format!("/api/v1/inspection/{campaign}/results.xlsx"), Some(token));
    for _ in 0..xlsx {
        let t0 = Instant::now();
        let r = c.send(&req).await?;
        let ms = t0.elapsed().as_secs_f64() * 1000.0;
        if r.status != 200 || !r.body.starts_with(b"PK") {
            bail!("评分结果导出返回 HTTP {}", r.status);
        }
        xl.push(ms);
    }
    times.sort_by(f64::total_cmp);
    xl.sort_by(f64::total_cmp);
    Ok((times, xl, bytes))
}

/// The p-quantile of sorted values (nearest rank).
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

#[cfg(test)]
mod tests {
    #[test]
    fn quantiles_are_nearest_rank() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(super::quantile(&v, 0.5), 3.0);
        assert_eq!(super::quantile(&v, 0.99), 5.0);
        assert_eq!(super::quantile(&[], 0.5), 0.0);
    }

    #[test]
    fn the_hash_expression_reads_its_arguments() {
        assert_eq!(super::h("u.id", "d.id", "2"), "((u.id * 7 + d.id * 13 + 2 * 5) % 23)");
    }
}
