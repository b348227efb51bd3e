//! `--workday`: a working day of a province rather than one cached list. 1,000 accounts spread
//! over the counties (县纪委 staff, township and unit 党务 staff, 书记, 班子成员, 一般干部), each
//! county with its unit and personal 责任清单, 责任书 and a 任务分工 plan; then every connection
//! plays random accounts: home with its 待办, people lists on random pages and filters, pinyin
//! searches, person pages, plan pages (whole and filtered by unit), list, letter and task pages,
//! 履责 pages (概览, 纪实 and 约谈 lists and records, 我的考试), and 10 % writes (progress
//! reports, list items, person edits, 履责纪实 entries).
//!
//! Every URL an account plays is first tried once as that account and kept only if it answers
//! 200, so the load measures what each person may open; the writes of one person row stay on
//! one connection, so versions never collide.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use lianzheng_core::ids::{DutyListId, OrgId, PersonId};
use lianzheng_core::org::{Gender, OrgKind, PoliticalStatus, PostKind, Rank, Role, Scope, SystemScope};
use lianzheng_core::password::PasswordHasher;
use lianzheng_store::audit::Actor;
use lianzheng_store::duty::{letters, lists, tasks};
use lianzheng_store::users::{self, UserInput};
use lianzheng_store::{Db, q};
use serde_json::{Value, json};

use crate::http::{self, Conn};

pub const PASSWORD: &str = "Workday@2026lz";
/// Share of requests that write.
const WRITE_SHARE: u32 = 10;

/// One account of the day.
pub struct Account {
    pub username: String,
    pub role: Role,
    pub org_id: OrgId,
    token: String,
    reads: Vec<String>,
}

/// A write one account makes again and again.
#[derive(Clone)]
enum Write {
    /// 报送进展 on a task of the account's unit.
    Report { task_id: i64, n: u32 },
    /// 增加个性内容 to the unit's own draft list.
    ListItem { list_id: DutyListId, n: u32 },
    /// Edit a person of the account's unit (the phone number), with the version last seen.
    Person { person_id: i64, body: Value, n: u32 },
    /// 录入履责纪实 for the account's unit (a 学习 of today, two participants).
    Record { participants: [i64; 2], n: u32 },
}

struct WriteTarget {
    account: usize,
    write: Write,
}

pub struct Day {
    pub accounts: Vec<Account>,
    writes: Vec<WriteTarget>,
}

/// id, name, gender, political status, rank, sort order, version
type PersonRow = (i64, String, String, Option<String>, Option<String>, i64, i64);

/// The mix of one role in each county: (role, where: 0 county, 1.. departments, -1.. townships).
const PATTERN: &[(Role, i32)] = &[
    (Role::DisciplineStaff, 0),
    (Role::PartyStaff, -1),
    (Role::PartyStaff, 1),
    (Role::Secretary, 1),
    (Role::Cadre, 1),
    (Role::PartyStaff, 2),
    (Role::Secretary, 2),
    (Role::Cadre, 2),
    (Role::TeamMember, 3),
    (Role::PartyStaff, -2),
];

/// Creates the accounts and each county's 定责 data, straight into the database (before the
/// server starts). Returns the accounts without tokens.
pub async fn seed(db: &Db, n_accounts: usize, year: i64) -> anyhow::Result<Day> {
    let counties: Vec<(OrgId, String)> = db.fetch_all(q("SELECT id, path FROM orgs WHERE kind = $1 AND (code LIKE 'X__' OR code LIKE '%-X__') ORDER BY id").bind(OrgKind::PartyCommittee.code())).await?;
    anyhow::ensure!(!counties.is_empty(), "数据中没有县");
    let per_county = PATTERN.len();
    let n_counties = n_accounts.div_ceil(per_county).min(counties.len());
    // accounts sign in with a cheap hash: the day measures work, not argon2 (measured apart)
    let hash = PasswordHasher::new(1024, 1, 1).and_then(|h| h.hash(PASSWORD)).map_err(|e| anyhow::anyhow!(e.to_string()))?;
    let actor = Actor::system("压测数据");
    let all = Scope::system(SystemScope::Demo);
    let mut accounts = Vec::with_capacity(n_accounts);
    let mut writes = Vec::new();
    for (ci, (county, _)) in counties.iter().take(n_counties).enumerate() {
        let depts: Vec<(OrgId,)> = db.fetch_all(q("SELECT id FROM orgs WHERE parent_id = $1 AND kind = $2 ORDER BY sort_order, id").bind(*county).bind(OrgKind::PartyGroup.code())).await?;
        let towns: Vec<(OrgId,)> = db.fetch_all(q("SELECT id FROM orgs WHERE parent_id = $1 AND kind = $2 ORDER BY sort_order, id").bind(*county).bind(OrgKind::Township.code())).await?;
        anyhow::ensure!(depts.len() >= 3 && towns.len() >= 2, "县 {county} 的部门或乡镇不足");
        let mut tx = db.begin().await?;
        // unit lists: departments 1 and 2 and the townships keep a draft (their staff add items
        // all day); department 3 has filed; the 书记 and 班子成员 have accepted personal lists
        let mut unit_lists: HashMap<OrgId, DutyListId> = HashMap::new();
        for (k, (org,)) in depts.iter().take(3).chain(towns.iter().take(2)).enumerate() {
            let l = lists::create(&mut tx, &actor, &all, year, *org, lists::ListKind::Main, None, &format!("{year}年党风廉政建设主体责任清单（压测{ci}-{k}）")).await?;
            for i in 0..3 {
                lists::add_item(&mut tx, &actor, &all, l, Some("个性".into()), &format!("压测单位{org}个性事项{i}：结合本单位职责梳理廉政风险点并落实防控措施")).await?;
            }
            if k == 2 {
                lists::submit(&mut tx, &actor, &all, l).await?;
            }
            unit_lists.insert(*org, l);
        }
        for (i, (role, place)) in PATTERN.iter().enumerate() {
            if accounts.len() >= n_accounts {
                break;
            }
            let org_id = match *place {
                0 => *county,
                p if p > 0 => depts[(p - 1) as usize].0,
                p => towns[(-p - 1) as usize].0,
            };
            let post = match role {
                Role::Secretary => Some(PostKind::Secretary),
                Role::TeamMember => Some(PostKind::TeamMember),
                Role::Cadre => Some(PostKind::Cadre),
                _ => None,
            };
            let person_id = match post {
                Some(kind) => Some(PersonId::new(tx.scalar_i64(q("SELECT MIN(person_id) FROM posts WHERE org_id = $1 AND kind = $2").bind(org_id).bind(kind.code())).await?)),
                None => None,
            };
            let username = format!("wd{:04}", accounts.len());
            let uid = users::create(&mut tx, &actor, &UserInput { username: username.clone(), display_name: format!("压测{}{i}", role.label()), person_id, org_id: Some(org_id) }, &hash, false).await?;
            users::add_grant(&mut tx, &actor, uid, *role, Some(org_id)).await?;
            if let (Some(pid), Role::Secretary | Role::TeamMember) = (person_id, role) {
                let l = lists::create(&mut tx, &actor, &all, year, org_id, lists::ListKind::Main, Some(pid), &format!("{year}年个人责任清单（{username}）")).await?;
                for k in 0..3 {
                    lists::add_item(&mut tx, &actor, &all, l, Some("一岗双责".into()), &format!("{username} 分管领域廉政事项{k}：每半年报告一次履责情况")).await?;
                }
                lists::submit(&mut tx, &actor, &all, l).await?;
                lists::review(&mut tx, &actor, &all, l, true, None).await?;
            }
            if matches!(role, Role::PartyStaff)
                && let Some(l) = unit_lists.get(&org_id)
                && place.abs() != 3
            {
                writes.push(WriteTarget { account: accounts.len(), write: Write::ListItem { list_id: *l, n: 0 } });
            }
            accounts.push(Account { username, role: *role, org_id, token: String::new(), reads: Vec::new() });
        }
        for (org,) in depts.iter().take(3).chain(towns.iter().take(2)) {
            seed_conduct(&mut tx, &actor, *org, year).await?;
        }
        let t = letters::create_template(
            &mut tx,
            &actor,
            &all,
            year,
            *county,
            "responsibility",
            &format!("{year}年度党风廉政建设责任书（压测）"),
            "{上级}与{单位}{签订人}签订{年度}年度党风廉政建设责任书。\n一、责任内容\n{责任内容}\n二、考核与追究：本责任书执行情况纳入年度考核。",
        )
        .await?;
        letters::generate(&mut tx, &actor, &all, t).await?;
        tx.commit().await?;
        tasks::generate_bench_plan(db, *county, 120).await?;
    }
    // writes that need the generated rows: progress reports on the unit's tasks, person edits,
    // 履责纪实 by the unit's 党务 staff
    for (ai, a) in accounts.iter().enumerate() {
        if a.role == Role::PartyStaff {
            let people: Vec<(i64,)> = db.fetch_all(q("SELECT id FROM people WHERE org_id = $1 ORDER BY id LIMIT 2").bind(a.org_id)).await?;
            if let [(p1,), (p2,)] = people[..] {
                writes.push(WriteTarget { account: ai, write: Write::Record { participants: [p1, p2], n: 0 } });
            }
        }
        if matches!(a.role, Role::PartyStaff | Role::DisciplineStaff) {
            let tasks: Vec<(i64,)> = db.fetch_all(q("SELECT id FROM tasks WHERE lead_org_id = $1 ORDER BY id LIMIT 2").bind(a.org_id)).await?;
            for (task_id,) in tasks {
                writes.push(WriteTarget { account: ai, write: Write::Report { task_id, n: 0 } });
            }
            let people: Vec<PersonRow> =
                db.fetch_all(q("SELECT id, name, gender, political_status, rank, sort_order, version FROM people WHERE org_id = $1 AND id_number_enc IS NULL ORDER BY id LIMIT 2").bind(a.org_id)).await?;
            for (person_id, name, gender, political, rank, sort, version) in people {
                let body = json!({"org_id": a.org_id, "name": name, "gender": gender, "political_status": political, "rank": rank, "sort_order": sort, "phone": "", "version": version});
                writes.push(WriteTarget { account: ai, write: Write::Person { person_id, body, n: 0 } });
            }
        }
    }
    Ok(Day { accounts, writes })
}

/// A unit's 履责 of the year so far: 8 duty records (with participants) and 4 talks of its
/// 书记 with two of its people, so the 履责 pages show what a unit's pages show in autumn.
async fn seed_conduct(tx: &mut lianzheng_store::Tx, actor: &Actor, org: OrgId, year: i64) -> anyhow::Result<()> {
    use lianzheng_store::conduct::{records, talks};
    let (path,): (String,) = tx.fetch_one(q("SELECT path FROM orgs WHERE id = $1").bind(org)).await?;
    let people: Vec<(PersonId, String)> = tx.fetch_all(q("SELECT id, name FROM people WHERE org_id = $1 ORDER BY id LIMIT 4").bind(org)).await?;
    let secretary: Option<(PersonId, String)> =
        tx.fetch_optional(q("SELECT p.id, p.name FROM posts s JOIN people p ON p.id = s.person_id WHERE s.org_id = $1 AND s.kind = $2 ORDER BY p.id LIMIT 1").bind(org).bind(PostKind::Secretary.code())).await?;
    let (Some((sec_id, sec_name)), true) = (secretary, people.len() >= 3) else { return Ok(()) };
    let today = format!("{year}-12-01");
    for k in 0..8i64 {
        let quarter = k % 4 + 1;
        let date = format!("{year}-{:02}-{:02}", quarter * 3 - 1, 10 + k);
        let (kind, sub) = if k % 2 == 0 { ("meeting", Some("standing_study".to_string())) } else { ("study", None) };
        let input = records::RecordInput {
            year,
            quarter,
            kind: kind.into(),
            sub_kind: sub,
            title: format!("第{}季度党风廉政建设{}", quarter, if k % 2 == 0 { "专题研究" } else { "集中学习" }),
            act_date: date,
            place: Some("会议室".into()),
            leader: Some(sec_name.clone()),
            content: "传达学习上级党风廉政建设工作部署，研究本单位落实措施。".into(),
            decisions: Some("按分工抓好落实，每季度报告一次。".into()),
            participants: people.iter().take(3).map(|(id, _)| *id).collect(),
            today: today.clone(),
            ..Default::default()
        };
        records::create(tx, actor, None, "压测数据", org, &path, &input).await?;
    }
    for k in 0..4i64 {
        let who = &people[1 + (k as usize % 2)];
        let input = talks::TalkInput {
            org_id: org,
            org_path: path.clone(),
            talker_id: sec_id,
            talker_name: sec_name.clone(),
            kind: "individual".into(),
            occasion: if k == 0 { "holiday".into() } else { "routine".into() },
            tags: vec!["integrity".into(), "work".into()],
            talk_date: format!("{year}-{:02}-15", 2 + k * 3),
            place: Some("书记办公室".into()),
            content: "提醒严守廉洁纪律，落实一岗双责。".into(),
            follow_up: None,
            interviewees: vec![who.clone()],
        };
        talks::create(tx, actor, &input).await?;
    }
    Ok(())
}

/// Signs every account in (API tokens) and lists what each may open, keeping what answers 200.
pub async fn prepare(day: &mut Day, db: &Db, addr: SocketAddr, host: &str, year: i64) -> anyhow::Result<()> {
    // what each account might open, from the database
    let pinyin = ["w", "zh", "li", "wj", "zhang", "chen", "l", "y"];
    let mut candidates: Vec<(String, Vec<String>)> = Vec::with_capacity(day.accounts.len());
    for a in &day.accounts {
        let path: (String,) = db.fetch_one(q("SELECT path FROM orgs WHERE id = $1").bind(a.org_id)).await?;
        let (lo, hi) = lianzheng_core::org::subtree_range(&path.0);
        let mut urls = vec!["/".to_string(), "/duty/lists".into(), "/duty/letters".into(), "/duty/plans".into(), "/duty/reminders".into()];
        for k in 1..=5 {
            urls.push(format!("/people?page={k}"));
        }
        for (j, p) in pinyin.iter().enumerate() {
            urls.push(format!("/people?q={p}"));
            if j % 2 == 0 {
                urls.push(format!("/people?q={p}&page=2"));
            }
        }
        let people: Vec<(i64,)> = db.fetch_all(q("SELECT id FROM people WHERE org_path >= $1 AND org_path < $2 ORDER BY id LIMIT 12").bind(lo.as_str()).bind(hi.as_str())).await?;
        urls.extend(people.iter().map(|(id,)| format!("/people/{id}")));
        let lists: Vec<(i64,)> = db.fetch_all(q("SELECT id FROM duty_lists WHERE year = $1 AND org_path >= $2 AND org_path < $3 ORDER BY id LIMIT 6").bind(year).bind(lo.as_str()).bind(hi.as_str())).await?;
        urls.extend(lists.iter().map(|(id,)| format!("/duty/lists/{id}")));
        let letters: Vec<(i64,)> = db.fetch_all(q("SELECT id FROM letters WHERE year = $1 AND org_path >= $2 AND org_path < $3 ORDER BY id LIMIT 6").bind(year).bind(lo.as_str()).bind(hi.as_str())).await?;
        urls.extend(letters.iter().map(|(id,)| format!("/duty/letters/{id}")));
        // the county's plans (the unit sees those that name it), whole and filtered by its unit
        let plans: Vec<(i64,)> =
            db.fetch_all(q("SELECT p.id FROM task_plans p JOIN orgs o ON o.id = $1 WHERE substr(o.path, 1, length(p.org_path)) = p.org_path AND p.year = $2 ORDER BY p.id DESC LIMIT 1").bind(a.org_id).bind(year)).await?;
        for (id,) in plans {
            urls.push(format!("/duty/plans/{id}"));
            urls.push(format!("/duty/plans/{id}?org={}", a.org_id));
        }
        let tasks: Vec<(i64,)> = db.fetch_all(q("SELECT id FROM tasks WHERE lead_org_id = $1 ORDER BY id LIMIT 3").bind(a.org_id)).await?;
        urls.extend(tasks.iter().map(|(id,)| format!("/duty/tasks/{id}")));
        // 履责: the overview, the lists (whole and by kind or quarter), a unit's records and talks
        urls.extend(["/conduct", "/conduct/records", "/conduct/records?kind=meeting", "/conduct/records?quarter=2", "/conduct/talks", "/conduct/talk-flags", "/conduct/exams/mine"].map(String::from));
        let records: Vec<(i64,)> = db.fetch_all(q("SELECT id FROM duty_records WHERE year = $1 AND org_path >= $2 AND org_path < $3 ORDER BY id LIMIT 4").bind(year).bind(lo.as_str()).bind(hi.as_str())).await?;
        urls.extend(records.iter().map(|(id,)| format!("/conduct/records/{id}")));
        let talks: Vec<(i64,)> = db.fetch_all(q("SELECT id FROM talks WHERE year = $1 AND org_path >= $2 AND org_path < $3 ORDER BY id LIMIT 3").bind(year).bind(lo.as_str()).bind(hi.as_str())).await?;
        urls.extend(talks.iter().map(|(id,)| format!("/conduct/talks/{id}")));
        candidates.push((a.username.clone(), urls));
    }
    // sign in and try every page as its account, 16 accounts at a time
    let host_arc = Arc::new(host.to_string());
    let workers = 16usize;
    let mut set = tokio::task::JoinSet::new();
    for w in 0..workers {
        let mine: Vec<(usize, String, Vec<String>)> = candidates.iter().enumerate().filter(|(i, _)| i % workers == w).map(|(i, (u, urls))| (i, u.clone(), urls.clone())).collect();
        let host = host_arc.clone();
        let mut c = Conn::connect(addr).await?;
        set.spawn(async move {
            let mut out = Vec::with_capacity(mine.len());
            for (i, username, urls) in mine {
                let body = json!({"username": username, "password": PASSWORD}).to_string();
                let r = c.send(&http::post_json_request(&host, "/api/v1/auth/login", &body)).await?;
                if r.status != 200 {
                    bail!("{username} 登录失败：HTTP {}：{}", r.status, String::from_utf8_lossy(r.body));
                }
                let v: Value = serde_json::from_slice(r.body).context("登录响应不是 JSON")?;
                let token = v["token"].as_str().context("登录响应中没有 token")?.to_string();
                let mut kept = Vec::new();
                for u in urls {
                    if c.send(&http::get_request(&host, &u, Some(&token))).await?.status == 200 {
                        kept.push(u);
                    }
                }
                out.push((i, token, kept));
            }
            Ok::<_, anyhow::Error>(out)
        });
    }
    while let Some(r) = set.join_next().await {
        for (i, token, kept) in r.context("探查任务异常结束")?? {
            day.accounts[i].token = token;
            day.accounts[i].reads = kept;
        }
    }
    let mut c = Conn::connect(addr).await?;
    let mut kept = Vec::with_capacity(day.writes.len());
    for mut w in std::mem::take(&mut day.writes) {
        let token = day.accounts[w.account].token.clone();
        let (req, _) = write_request(host, &token, &mut w.write);
        let r = c.send(&req).await?;
        if matches!(r.status, 200 | 201) {
            let body: Value = serde_json::from_slice(r.body).unwrap_or(Value::Null);
            after_write(&mut w.write, &body);
            kept.push(w);
        } else {
            eprintln!("  写操作 {} 不可用：HTTP {}：{}", describe(&w.write), r.status, String::from_utf8_lossy(&r.body[..r.body.len().min(200)]));
        }
    }
    day.writes = kept;
    let reads: usize = day.accounts.iter().map(|a| a.reads.len()).sum();
    let mut by_kind: HashMap<&str, usize> = HashMap::new();
    for w in &day.writes {
        *by_kind.entry(kind(&w.write)).or_default() += 1;
    }
    eprintln!("  {} 个账号，可读页面 {reads} 个，写操作对象 {:?}", day.accounts.len(), by_kind);
    anyhow::ensure!(!day.writes.is_empty(), "没有可用的写操作");
    Ok(())
}

fn kind(w: &Write) -> &'static str {
    match w {
        Write::Report { .. } => "进展报送",
        Write::ListItem { .. } => "清单事项",
        Write::Person { .. } => "人员修改",
        Write::Record { .. } => "履责纪实",
    }
}

fn describe(w: &Write) -> String {
    match w {
        Write::Report { task_id, .. } => format!("进展报送（事项 {task_id}）"),
        Write::ListItem { list_id, .. } => format!("清单事项（清单 {list_id}）"),
        Write::Person { person_id, .. } => format!("人员修改（人员 {person_id}）"),
        Write::Record { participants, .. } => format!("履责纪实（参加人 {participants:?}）"),
    }
}

/// The request of a write and its expected status.
fn write_request(host: &str, token: &str, w: &mut Write) -> (Vec<u8>, u16) {
    match w {
        Write::Report { task_id, n } => {
            *n += 1;
            let body = json!({"percent": (*n * 7) % 101, "text": format!("第{n}次进展：已按要求推进，形成台账")}).to_string();
            (http::json_request("POST", host, &format!("/api/v1/duty/tasks/{task_id}/reports"), &body, Some(token)), 201)
        }
        Write::ListItem { list_id, n } => {
            *n += 1;
            let body = json!({"category": "个性", "content": format!("压测新增事项{n}：落实廉政风险防控措施，每季度检查一次")}).to_string();
            (http::json_request("POST", host, &format!("/api/v1/duty/lists/{list_id}/items"), &body, Some(token)), 201)
        }
        Write::Person { person_id, body, n } => {
            *n += 1;
            body["phone"] = Value::String(format!("138{:08}", (*person_id as u64 * 7919 + u64::from(*n)) % 100_000_000));
            (http::json_request("PUT", host, &format!("/api/v1/people/{person_id}"), &body.to_string(), Some(token)), 200)
        }
        Write::Record { participants, n } => {
            *n += 1;
            let today = lianzheng_core::duty::format_date(lianzheng_store::duty::tasks::today());
            let body = json!({"kind": "study", "title": format!("压测集中学习{n}"), "act_date": today, "place": "会议室", "participants": participants, "content": "学习党纪处分条例，交流体会。"}).to_string();
            (http::json_request("POST", host, "/api/v1/conduct/records", &body, Some(token)), 201)
        }
    }
}

/// Keeps what the next write needs (a person's new version).
fn after_write(w: &mut Write, response: &Value) {
    if let Write::Person { body, .. } = w
        && let Some(v) = response["person"]["version"].as_i64()
    {
        body["version"] = Value::from(v);
    }
}

/// A small generator per connection (the load must not share a lock).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 32) as u32
    }
    fn below(&mut self, n: usize) -> usize {
        self.next() as usize % n.max(1)
    }
}

/// Latencies of one connection's reads and writes (µs).
#[derive(Default)]
pub struct Lat {
    pub reads: Vec<u32>,
    pub writes: Vec<u32>,
    /// By kind of page or write (see `kind_of`): latencies µs.
    pub by_kind: HashMap<&'static str, Vec<u32>>,
}

/// The kind of a page, to tell which costs what.
fn kind_of(url: &str) -> &'static str {
    let path = url.split('?').next().unwrap_or(url);
    let id = |p: &str| path.strip_prefix(p).is_some_and(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit()));
    match path {
        "/" => "首页",
        "/people" if url.contains("q=") => "人员检索",
        "/people" => "人员列表",
        "/duty/lists" => "清单列表",
        "/duty/letters" => "责任书列表",
        "/duty/plans" => "计划列表",
        "/duty/reminders" => "到期提醒",
        _ if id("/people/") => "人员详情",
        _ if id("/duty/lists/") => "清单详情",
        _ if id("/duty/letters/") => "责任书详情",
        _ if id("/duty/plans/") && url.contains("org=") => "计划（按单位）",
        _ if id("/duty/plans/") => "计划",
        _ if id("/duty/tasks/") => "事项详情",
        "/conduct" => "履责概览",
        "/conduct/records" => "纪实列表",
        "/conduct/talks" => "约谈列表",
        "/conduct/talk-flags" => "约谈检查",
        "/conduct/exams/mine" => "我的考试",
        _ if id("/conduct/records/") => "纪实详情",
        _ if id("/conduct/talks/") => "约谈详情",
        _ => "其他",
    }
}

impl Lat {
    /// One line per kind: count, p50, p99 (ms), the slowest p99 first.
    pub fn describe_kinds(&self) -> String {
        let mut rows: Vec<(&str, usize, f64, f64)> = self
            .by_kind
            .iter()
            .map(|(k, v)| {
                let mut v = v.clone();
                v.sort_unstable();
                (*k, v.len(), percentile_ms(&v, 0.5), percentile_ms(&v, 0.99))
            })
            .collect();
        rows.sort_by(|a, b| b.3.total_cmp(&a.3));
        rows.iter().map(|(k, n, p50, p99)| format!("    {k}：{n} 次，p50 {p50:.2} / p99 {p99:.2} 毫秒")).collect::<Vec<_>>().join("\n")
    }
}

/// `n` connections play the day for `warmup` + `duration`; returns the measured latencies.
pub async fn play(day: Arc<Day>, addr: SocketAddr, host: Arc<String>, n: usize, warmup: Duration, duration: Duration) -> anyhow::Result<Lat> {
    let start = Instant::now() + warmup;
    let end = start + duration;
    let mut set = tokio::task::JoinSet::new();
    for i in 0..n {
        let day = day.clone();
        let host = host.clone();
        let mut c = Conn::connect(addr).await.context("无法连接服务")?;
        // this connection's writes: every n-th target, so one person row stays on one connection
        let mut mine: Vec<(usize, Write)> = day.writes.iter().enumerate().filter(|(k, _)| k % n == i).map(|(_, w)| (w.account, w.write.clone())).collect();
        set.spawn(async move {
            let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
            let mut lat = Lat::default();
            loop {
                let s = Instant::now();
                if s >= end {
                    return Ok::<Lat, anyhow::Error>(lat);
                }
                let write = !mine.is_empty() && rng.below(100) < WRITE_SHARE as usize;
                let kind;
                if write {
                    let k = rng.below(mine.len());
                    let (account, w) = &mut mine[k];
                    let (req, expect) = write_request(&host, &day.accounts[*account].token, w);
                    kind = self::kind(w);
                    let r = c.send(&req).await?;
                    if r.status != expect {
                        bail!("写操作 {} 返回 HTTP {}：{}", describe(w), r.status, String::from_utf8_lossy(&r.body[..r.body.len().min(300)]));
                    }
                    if matches!(w, Write::Person { .. }) {
                        let v: Value = serde_json::from_slice(r.body).unwrap_or(Value::Null);
                        after_write(w, &v);
                    }
                } else {
                    let a = &day.accounts[rng.below(day.accounts.len())];
                    if a.reads.is_empty() {
                        continue;
                    }
                    let url = &a.reads[rng.below(a.reads.len())];
                    kind = kind_of(url);
                    let r = c.send(&http::get_request(&host, url, Some(&a.token))).await?;
                    if r.status != 200 {
                        bail!("{} 打开 {url} 返回 HTTP {}", a.username, r.status);
                    }
                }
                let e = Instant::now();
                if e >= start && e < end {
                    let us = u32::try_from((e - s).as_micros()).unwrap_or(u32::MAX);
                    if write {
                        lat.writes.push(us)
                    } else {
                        lat.reads.push(us)
                    }
                    lat.by_kind.entry(kind).or_default().push(us);
                }
            }
        });
    }
    let mut all = Lat::default();
    while let Some(r) = set.join_next().await {
        let l = r.context("压测任务异常结束")??;
        all.reads.extend(l.reads);
        all.writes.extend(l.writes);
        for (k, v) in l.by_kind {
            all.by_kind.entry(k).or_default().extend(v);
        }
    }
    all.reads.sort_unstable();
    all.writes.sort_unstable();
    Ok(all)
}

/// 16 clients creating people in one unit, as its 纪委 staff: (latencies µs sorted).
pub async fn create_people(addr: SocketAddr, host: Arc<String>, token: Arc<String>, org_id: i64, clients: usize, warmup: Duration, duration: Duration) -> anyhow::Result<Vec<u32>> {
    let body = move |i: usize, k: u32| {
        json!({"org_id": org_id, "name": format!("压测新增{i}号{k}"), "gender": Gender::Male.code(), "political_status": PoliticalStatus::PartyMember.code(), "rank": Rank::Staff.code(), "phone": "", "post_kind": PostKind::Cadre.code()}).to_string()
    };
    post_loop(addr, host, token, clients, warmup, duration, "/api/v1/people", "新增人员", body).await
}

/// `clients` clients recording 履责纪实 (a 常委会专题研究 of today) for the account's own unit
/// through the API: (latencies µs sorted).
pub async fn create_records(addr: SocketAddr, host: Arc<String>, token: Arc<String>, clients: usize, warmup: Duration, duration: Duration) -> anyhow::Result<Vec<u32>> {
    let today = lianzheng_core::duty::format_date(lianzheng_store::duty::tasks::today());
    let body = move |i: usize, k: u32| {
        json!({"kind": "meeting", "sub_kind": "standing_study", "title": format!("压测纪实{i}号{k}"), "act_date": today, "place": "常委会议室", "content": "压测写入：专题研究党风廉政建设工作。", "decisions": "按分工抓好落实。"}).to_string()
    };
    post_loop(addr, host, token, clients, warmup, duration, "/api/v1/conduct/records", "录入履责纪实", body).await
}

/// `clients` closed-loop clients POSTing `body(client, n)` to `path` until the run ends; every
/// answer must be 201. The latencies (µs) of the requests that ended inside the measured window, sorted.
#[allow(clippy::too_many_arguments)]
async fn post_loop(
    addr: SocketAddr,
    host: Arc<String>,
    token: Arc<String>,
    clients: usize,
    warmup: Duration,
    duration: Duration,
    path: &'static str,
    what: &'static str,
    body: impl Fn(usize, u32) -> String + Clone + Send + 'static,
) -> anyhow::Result<Vec<u32>> {
    let start = Instant::now() + warmup;
    let end = start + duration;
    let mut set = tokio::task::JoinSet::new();
    for i in 0..clients {
        let (host, token, body) = (host.clone(), token.clone(), body.clone());
        let mut c = Conn::connect(addr).await.context("无法连接服务")?;
        set.spawn(async move {
            let mut lat = Vec::new();
            let mut k = 0u32;
            loop {
                let s = Instant::now();
                if s >= end {
                    return Ok::<Vec<u32>, anyhow::Error>(lat);
                }
                k += 1;
                let r = c.send(&http::json_request("POST", &host, path, &body(i, k), Some(&token))).await?;
                if r.status != 201 {
                    bail!("{what}返回 HTTP {}：{}", r.status, String::from_utf8_lossy(&r.body[..r.body.len().min(300)]));
                }
                let e = Instant::now();
                if e >= start && e < end {
                    lat.push(u32::try_from((e - s).as_micros()).unwrap_or(u32::MAX));
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

/// Plain durable inserts (one row per transaction, `clients` at once) into a scratch table of
/// `db`: the ceiling a write through the application is compared with. Returns inserts/s.
pub async fn durable_inserts(db: &Db, clients: usize, duration: Duration) -> anyhow::Result<f64> {
    db.execute_script("CREATE TABLE IF NOT EXISTS bench_scratch (id BIGINT, v TEXT)".to_string()).await?;
    let end = Instant::now() + duration;
    let mut set = tokio::task::JoinSet::new();
    for i in 0..clients {
        let db = db.clone();
        set.spawn(async move {
            let mut n = 0u64;
            while Instant::now() < end {
                let mut tx = db.begin().await?;
                tx.execute(q("INSERT INTO bench_scratch (id, v) VALUES ($1, $2)").bind(i as i64).bind("压测写入")).await?;
                tx.commit().await?;
                n += 1;
            }
            Ok::<u64, anyhow::Error>(n)
        });
    }
    let mut total = 0u64;
    while let Some(r) = set.join_next().await {
        total += r.context("写入任务异常结束")??;
    }
    db.execute_script("DROP TABLE bench_scratch".to_string()).await?;
    Ok(total as f64 / duration.as_secs_f64())
}

/// The read caches' hits and misses from `/metrics`: name → (hits, misses).
pub async fn cache_counts(addr: SocketAddr, host: &str) -> anyhow::Result<HashMap<String, (u64, u64)>> {
    let mut c = Conn::connect(addr).await?;
    let r = c.send(&http::get_request(host, "/metrics", None)).await?;
    anyhow::ensure!(r.status == 200, "/metrics 返回 HTTP {}（服务须以 metrics_enabled 启动）", r.status);
    let text = String::from_utf8_lossy(r.body);
    let mut out: HashMap<String, (u64, u64)> = HashMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let Some((metric, value)) = line.rsplit_once(' ') else { continue };
        let Some(name) = metric.split("cache=\"").nth(1).and_then(|r| r.split('"').next()) else { continue };
        let v: u64 = value.trim().parse().unwrap_or(0);
        let e = out.entry(name.to_string()).or_default();
        if metric.starts_with("lianzheng_cache_hits_total") {
            e.0 += v;
        } else if metric.starts_with("lianzheng_cache_misses_total") {
            e.1 += v;
        }
    }
    Ok(out)
}

/// Hit rate per cache between two readings, and over all: ("name hits/total", overall rate).
pub fn hit_rates(before: &HashMap<String, (u64, u64)>, after: &HashMap<String, (u64, u64)>) -> (String, f64) {
    let mut parts = Vec::new();
    let (mut h, mut t) = (0u64, 0u64);
    let mut names: Vec<&String> = after.keys().collect();
    names.sort();
    for name in names {
        let (h1, m1) = after[name];
        let (h0, m0) = before.get(name).copied().unwrap_or_default();
        let (dh, dm) = (h1.saturating_sub(h0), m1.saturating_sub(m0));
        if dh + dm > 0 {
            parts.push(format!("{name} {:.1}%（{dh}/{}）", dh as f64 * 100.0 / (dh + dm) as f64, dh + dm));
        }
        h += dh;
        t += dh + dm;
    }
    (parts.join("，"), if t == 0 { 0.0 } else { h as f64 / t as f64 })
}

pub fn percentile_ms(sorted_us: &[u32], p: f64) -> f64 {
    if sorted_us.is_empty() {
        return 0.0;
    }
    let i = ((p * sorted_us.len() as f64).ceil() as usize).clamp(1, sorted_us.len()) - 1;
    f64::from(sorted_us[i]) / 1000.0
}
