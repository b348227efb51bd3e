//! Synthetic data: an organisation tree (province → cities → counties → departments and
//! townships → branches) with people and their posts, written with bulk multi-row INSERTs in a
//! few transactions. Ids are assigned here (the database is fresh), so materialised paths are
//! known without reading anything back. No audit entry per generated row (a bulk load, like
//! `restore`); the bench account is created the ordinary way, which audits it.

use anyhow::Context;
use lianzheng_core::crypto::{Crypto, Sm4Crypto, encrypt_str};
use lianzheng_core::idcard::IdCardNumber;
use lianzheng_core::names::{pinyin_full, pinyin_initials};
use lianzheng_core::org::{Gender, OrgKind, PoliticalStatus, PostKind, Rank, Role};
use lianzheng_core::password::PasswordHasher;
use lianzheng_store::audit::Actor;
use lianzheng_store::users::{self, UserInput};
use lianzheng_store::{Backend, Db, Tx, Val, now, q, q_built};

use crate::Scale;

/// Rows per INSERT statement on PostgreSQL.
const ROWS_PER_STATEMENT: usize = 500;
/// Bound values per INSERT statement on SQLite: sqlx-sqlite finds the index of each `$n`
/// through `sqlite3_bind_parameter_name`, a linear scan, so binding costs O(values²) per
/// statement (500 people rows = 8,500 values spent 70 % of the load in that scan).
const SQLITE_VALUES_PER_STATEMENT: usize = 1000;
/// People (and their posts) per transaction.
const PEOPLE_PER_TX: usize = 100_000;
/// Every n-th person gets a real (encrypted, hashed, masked) ID number; the others have none.
const ID_NUMBER_EVERY: usize = 10;

pub const BENCH_USERNAME: &str = "bench_jw";
pub const BENCH_PASSWORD: &str = "Bench@2026lz";

/// What was generated, for the report and the checks.
#[derive(Debug)]
pub struct Generated {
    pub orgs: usize,
    pub people: usize,
    pub posts: usize,
    /// The county the bench account is bound to: id, name, people in its subtree.
    pub county_id: i64,
    pub county_name: String,
    pub county_people: usize,
}

struct OrgRow {
    id: i64,
    parent_id: Option<i64>,
    name: String,
    short_name: Option<String>,
    kind: OrgKind,
    code: String,
    level: i64,
    sort_order: i64,
    path: String,
    /// Relative share of the people.
    weight: u64,
    /// Rank of the unit's leaders.
    leader_rank: Rank,
    /// Index of the county this org lies in (for the bench county's head count).
    county: Option<usize>,
}

struct Tree {
    orgs: Vec<OrgRow>,
    counties: Vec<i64>,
}

impl Tree {
    #[allow(clippy::too_many_arguments)]
    fn add(&mut self, parent: Option<usize>, name: String, short: Option<String>, kind: OrgKind, code: String, order: i64, weight: u64, leader_rank: Rank) -> usize {
        let id = self.orgs.len() as i64 + 1;
        let (path, level, county) = match parent {
            Some(p) => {
                let po = &self.orgs[p];
                (format!("{}{id}/", po.path), po.level + 1, po.county)
            }
            None => (format!("/{id}/"), 1, None),
        };
        self.orgs.push(OrgRow { id, parent_id: parent.map(|p| self.orgs[p].id), name, short_name: short, kind, code, level, sort_order: order, path, weight, leader_rank, county });
        self.orgs.len() - 1
    }

    /// A county: 县委, 县纪委 with 4 派驻纪检组, 35 departments each with a 机关党支部,
    /// 18 townships each with a 纪委 and 2 village branches — 148 organisations.
    fn county(&mut self, parent: Option<usize>, stem: &str, code: &str, order: i64) {
        let county_index = self.counties.len();
        let root = self.add(parent, format!("中共{stem}县委员会"), Some(format!("{stem}县委")), OrgKind::PartyCommittee, code.to_string(), order, 40, Rank::County);
        self.orgs[root].county = Some(county_index);
        self.counties.push(self.orgs[root].id);
        let jw = self.add(Some(root), format!("中共{stem}县纪律检查委员会"), Some(format!("{stem}县纪委")), OrgKind::DisciplineCommission, format!("{code}-JW"), 1, 30, Rank::County);
        for (i, n) in ["第一", "第二", "第三", "第四"].iter().enumerate() {
            self.add(Some(jw), format!("{stem}县纪委监委派驻{n}纪检监察组"), Some(format!("派驻{n}纪检组")), OrgKind::StationedGroup, format!("{code}-JW-PZ{}", i + 1), i as i64 + 1, 6, Rank::Township);
        }
        for (i, d) in COUNTY_DEPARTMENTS.iter().enumerate() {
            let dept = self.add(Some(root), format!("{stem}县{d}"), None, OrgKind::PartyGroup, format!("{code}-D{:02}", i + 1), i as i64 + 10, 35, Rank::Township);
            self.add(Some(dept), format!("{stem}县{d}机关党支部"), None, OrgKind::Branch, format!("{code}-D{:02}-ZB1", i + 1), 1, 8, Rank::Staff);
        }
        for (i, t) in TOWNSHIPS.iter().enumerate() {
            let tcode = format!("{code}-T{:02}", i + 1);
            let town = self.add(Some(root), format!("中共{stem}县{t}委员会"), Some(t.to_string()), OrgKind::Township, tcode.clone(), i as i64 + 100, 30, Rank::Township);
            self.add(Some(town), format!("中共{stem}县{t}纪律检查委员会"), Some(format!("{t}纪委")), OrgKind::DisciplineCommission, format!("{tcode}-JW"), 1, 5, Rank::Township);
            for v in 0..2 {
                let vname = VILLAGES[(i + v * 3) % VILLAGES.len()];
                self.add(Some(town), format!("{stem}县{t}{vname}党支部"), None, OrgKind::Branch, format!("{tcode}-C{:02}", v + 1), v as i64 + 2, 8, Rank::Village);
            }
        }
    }

    /// A city: 市委, 市纪委 with 4 派驻纪检组, 14 departments (20 organisations), then its counties.
    fn city(&mut self, parent: Option<usize>, stem: &str, code: &str, order: i64, counties: usize) {
        let root = self.add(parent, format!("中共{stem}市委员会"), Some(format!("{stem}市委")), OrgKind::PartyCommittee, code.to_string(), order, 60, Rank::Bureau);
        let jw = self.add(Some(root), format!("中共{stem}市纪律检查委员会"), Some(format!("{stem}市纪委")), OrgKind::DisciplineCommission, format!("{code}-JW"), 1, 40, Rank::Bureau);
        for (i, num) in CHINESE_NUM.iter().take(4).enumerate() {
            self.add(Some(jw), format!("{stem}市纪委监委派驻第{num}纪检监察组"), None, OrgKind::StationedGroup, format!("{code}-JW-PZ{}", i + 1), i as i64 + 1, 8, Rank::County);
        }
        for (i, d) in CITY_DEPARTMENTS.iter().enumerate() {
            self.add(Some(root), format!("{stem}市{d}"), None, OrgKind::PartyGroup, format!("{code}-D{:02}", i + 1), i as i64 + 10, 40, Rank::County);
        }
        for c in 0..counties {
            self.county(Some(root), COUNTY_STEMS[c % COUNTY_STEMS.len()], &format!("{code}-X{:02}", c + 1), c as i64 + 100);
        }
    }

    /// A province: 省委, 省纪委 with 8 派驻纪检组, 40 departments (50 organisations), then 14 cities
    /// sharing `counties` counties.
    fn province(&mut self, counties: usize) {
        let root = self.add(None, "中共某某省委员会".into(), Some("省委".into()), OrgKind::PartyCommittee, "P".into(), 1, 80, Rank::Provincial);
        let jw = self.add(Some(root), "中共某某省纪律检查委员会".into(), Some("省纪委".into()), OrgKind::DisciplineCommission, "P-JW".into(), 1, 60, Rank::Provincial);
        for (i, num) in CHINESE_NUM.iter().take(8).enumerate() {
            self.add(Some(jw), format!("省纪委监委派驻第{num}纪检监察组"), None, OrgKind::StationedGroup, format!("P-JW-PZ{}", i + 1), i as i64 + 1, 10, Rank::Bureau);
        }
        for i in 0..40 {
            let d = PROVINCE_DEPARTMENTS[i % PROVINCE_DEPARTMENTS.len()];
            let name = if i < PROVINCE_DEPARTMENTS.len() { format!("某某省{d}") } else { format!("某某省{d}（{}）", i / PROVINCE_DEPARTMENTS.len() + 1) };
            self.add(Some(root), name, None, OrgKind::PartyGroup, format!("P-D{:02}", i + 1), i as i64 + 10, 50, Rank::Bureau);
        }
        let cities = CITY_STEMS.len();
        for (c, stem) in CITY_STEMS.iter().enumerate() {
            // spread the counties evenly: the first cities take the remainder
            let n = counties / cities + usize::from(c < counties % cities);
            self.city(Some(root), stem, &format!("P-C{:02}", c + 1), c as i64 + 100, n);
        }
    }
}

fn build_tree(scale: Scale) -> Tree {
    let mut t = Tree { orgs: Vec::new(), counties: Vec::new() };
    match scale {
        Scale::County => t.county(None, COUNTY_STEMS[0], "X01", 1),
        Scale::City => t.city(None, CITY_STEMS[0], "C01", 1, 10),
        Scale::Province => t.province(100),
    }
    t
}

/// A small deterministic generator (the data set is the same on every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as u32
    }
    fn below(&mut self, n: usize) -> usize {
        self.next() as usize % n
    }
}

/// A valid 18-digit ID number (GB 11643 check digit), unique for `k` < 168,000.
fn id_number(k: usize) -> String {
    let seq = k % 500;
    let day_index = k / 500;
    let (m, d) = (day_index / 28 % 12 + 1, day_index % 28 + 1);
    let y = 1965 + k % 35;
    let male = !k.is_multiple_of(3);
    let body = format!("130123{y:04}{m:02}{d:02}{:03}", seq * 2 + usize::from(male));
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const C: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = body.chars().zip(W).map(|(c, w)| c.to_digit(10).unwrap_or(0) * w).sum();
    format!("{body}{}", C[(sum % 11) as usize])
}

/// Multi-row INSERTs of `rows` (each `cols.len()` values), several rows per statement.
pub(crate) async fn insert_rows(tx: &mut Tx, table: &str, cols: &[&str], rows: Vec<Vec<Val>>) -> anyhow::Result<()> {
    let head = format!("INSERT INTO {table} ({}) VALUES ", cols.join(", "));
    let per_statement = match tx.backend() {
        Backend::Sqlite => (SQLITE_VALUES_PER_STATEMENT / cols.len()).max(1),
        Backend::Postgres => ROWS_PER_STATEMENT,
    };
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Val>> = rows.by_ref().take(per_statement).collect();
        let mut sql = String::with_capacity(head.len() + chunk.len() * cols.len() * 7);
        sql.push_str(&head);
        let mut n = 0usize;
        for (i, _) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 0..cols.len() {
                if c > 0 {
                    sql.push_str(", ");
                }
                n += 1;
                sql.push('$');
                sql.push_str(&n.to_string());
            }
            sql.push(')');
        }
        let mut stmt = q_built(sql);
        for row in chunk {
            debug_assert_eq!(row.len(), cols.len());
            for v in row {
                stmt = stmt.bind(v);
            }
        }
        tx.execute(stmt).await.with_context(|| format!("批量写入 {table} 失败"))?;
    }
    Ok(())
}

const ORG_COLS: &[&str] = &["id", "parent_id", "name", "short_name", "kind", "code", "level", "sort_order", "path", "created_at", "updated_at"];
const PEOPLE_COLS: &[&str] = &[
    "id",
    "org_id",
    "org_path",
    "name",
    "name_initials",
    "name_pinyin",
    "gender",
    "id_number_enc",
    "id_number_hash",
    "id_number_masked",
    "birth_date",
    "phone",
    "political_status",
    "rank",
    "sort_order",
    "created_at",
    "updated_at",
];
const POST_COLS: &[&str] = &["id", "person_id", "org_id", "kind", "title", "duty_areas", "start_date", "end_date", "created_at"];

/// Writes the data set into a freshly migrated, empty database and creates the bench account.
pub async fn generate(db: &Db, scale: Scale, crypto: &Sm4Crypto) -> anyhow::Result<Generated> {
    let existing = db.scalar_i64(q("SELECT COUNT(*) FROM orgs")).await?;
    anyhow::ensure!(existing == 0, "数据库不是空的（已有 {existing} 个组织）：压测需要一个全新的数据库");
    let tree = build_tree(scale);
    let t = now();

    let mut tx = db.begin().await?;
    let org_rows: Vec<Vec<Val>> = tree
        .orgs
        .iter()
        .map(|o| {
            vec![
                Val::from(o.id),
                Val::from(o.parent_id),
                Val::from(o.name.as_str()),
                Val::from(o.short_name.clone()),
                Val::from(o.kind.code()),
                Val::from(o.code.as_str()),
                Val::from(o.level),
                Val::from(o.sort_order),
                Val::from(o.path.as_str()),
                Val::from(t),
                Val::from(t),
            ]
        })
        .collect();
    insert_rows(&mut tx, "orgs", ORG_COLS, org_rows).await?;
    tx.commit().await?;

    // people per organisation: the scale's total, shared by weight (cumulative rounding, exact total)
    let total_people = scale.people();
    let total_weight: u64 = tree.orgs.iter().map(|o| o.weight).sum();
    let mut counts = Vec::with_capacity(tree.orgs.len());
    let mut cum = 0u64;
    for o in &tree.orgs {
        let before = (cum as u128 * total_people as u128 / total_weight as u128) as usize;
        cum += o.weight;
        let after = (cum as u128 * total_people as u128 / total_weight as u128) as usize;
        counts.push(after - before);
    }

    // names and their pinyin: a fixed set of combinations, converted once
    let mut names: Vec<(String, String, String)> = Vec::with_capacity(SURNAMES.len() * GIVEN.len());
    for s in SURNAMES {
        for g in GIVEN {
            let n = format!("{s}{g}");
            let (ini, full) = (pinyin_initials(&n), pinyin_full(&n));
            names.push((n, ini, full));
        }
    }

    let mut rng = Lcg(2026);
    let mut people: Vec<Vec<Val>> = Vec::with_capacity(PEOPLE_PER_TX.min(total_people));
    let mut posts: Vec<Vec<Val>> = Vec::with_capacity(PEOPLE_PER_TX.min(total_people));
    let mut person_id = 0i64;
    let mut county_people = 0usize;
    let bench_county = 0usize;
    for (o, &n) in tree.orgs.iter().zip(&counts) {
        if o.county == Some(bench_county) {
            county_people += n;
        }
        for k in 0..n {
            person_id += 1;
            let (name, initials, pinyin) = &names[rng.below(names.len())];
            let male = !rng.next().is_multiple_of(3);
            let (enc, hash, masked, birth) = if (person_id as usize).is_multiple_of(ID_NUMBER_EVERY) {
                let raw = id_number(person_id as usize / ID_NUMBER_EVERY);
                let id = IdCardNumber::parse(&raw).map_err(|e| anyhow::anyhow!("生成的身份证号无效 {raw}：{e}"))?;
                let (y, m, d) = id.birth_date();
                (Some(encrypt_str(crypto, id.as_str())), Some(crypto.keyed_hash(id.as_str().as_bytes())), Some(id.masked()), Some(format!("{y:04}-{m:02}-{d:02}")))
            } else {
                (None, None, None, None)
            };
            let (post, title, duty, rank) = match k {
                0 if o.kind.is_discipline() => (PostKind::DisciplineSecretary, Some(if o.kind == OrgKind::StationedGroup { "组长" } else { "纪委书记" }), None, o.leader_rank),
                0 => (PostKind::Secretary, Some(if o.kind == OrgKind::PartyGroup { "党组书记" } else { "书记" }), None, o.leader_rank),
                1..=3 => (PostKind::TeamMember, Some("班子成员"), Some(DUTY_AREAS[rng.below(DUTY_AREAS.len())]), o.leader_rank),
                4 => (PostKind::MiddleManager, Some("办公室主任"), None, Rank::Staff),
                _ => (PostKind::Cadre, None, None, if o.leader_rank == Rank::Village { Rank::Village } else { Rank::Staff }),
            };
            people.push(vec![
                Val::from(person_id),
                Val::from(o.id),
                Val::from(o.path.as_str()),
                Val::from(name.as_str()),
                Val::from(initials.as_str()),
                Val::from(pinyin.as_str()),
                Val::from(if male { Gender::Male } else { Gender::Female }.code()),
                Val::from(enc),
                Val::from(hash),
                Val::from(masked),
                Val::from(birth),
                Val::from(format!("139{:08}", (person_id as u64 * 7919) % 100_000_000)),
                Val::from(if rng.next() % 10 < 8 { PoliticalStatus::PartyMember } else { PoliticalStatus::Masses }.code()),
                Val::from(rank.code()),
                Val::from(k as i64 + 1),
                Val::from(t),
                Val::from(t),
            ]);
            posts.push(vec![
                Val::from(person_id),
                Val::from(person_id),
                Val::from(o.id),
                Val::from(post.code()),
                Val::from(title),
                Val::from(duty),
                Val::from(format!("{}-03-01", 2015 + rng.below(10))),
                Val::Text(None),
                Val::from(t),
            ]);
            if people.len() >= PEOPLE_PER_TX {
                write_people(db, &mut people, &mut posts).await?;
            }
        }
    }
    write_people(db, &mut people, &mut posts).await?;

    // the bench account: 纪委工作人员 over the first county, password hashed with production parameters
    let county = tree.counties.first().copied().context("没有县")?;
    let county_name = tree.orgs.iter().find(|o| o.id == county).map(|o| o.name.clone()).unwrap_or_default();
    let hash = PasswordHasher::production().hash(BENCH_PASSWORD).map_err(|e| anyhow::anyhow!(e.to_string()))?;
    let actor = Actor::system("压测数据");
    let mut tx = db.begin().await?;
    let uid =
        users::create(&mut tx, &actor, &UserInput { username: BENCH_USERNAME.into(), display_name: "压测纪委干部".into(), person_id: None, org_id: Some(lianzheng_core::ids::OrgId::new(county)) }, &hash, false).await?;
    users::add_grant(&mut tx, &actor, uid, Role::DisciplineStaff, Some(lianzheng_core::ids::OrgId::new(county))).await?;
    tx.commit().await?;

    if db.backend() == Backend::Postgres {
        // explicit ids: move the identity sequences past them, as a restore would
        for table in ["orgs", "people", "posts"] {
            db.execute(q_built(format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"))).await?;
        }
        // planner statistics now rather than whenever autovacuum gets to it (within a minute of a
        // bulk load anyway), so that every run measures the same plans. SQLite gets none: the
        // application never runs ANALYZE there, so this is what a deployment has.
        db.execute_script("ANALYZE".to_string()).await?;
    }

    Ok(Generated { orgs: tree.orgs.len(), people: person_id as usize, posts: person_id as usize, county_id: county, county_name, county_people })
}

/// The bench county of data generated by an earlier run (`--keep`), for `--reuse`.
pub async fn inspect(db: &Db) -> anyhow::Result<Generated> {
    let found: Option<(i64, String, String)> =
        db.fetch_optional(q("SELECT o.id, o.name, o.path FROM users u JOIN grants g ON g.user_id = u.id JOIN orgs o ON o.id = g.org_id WHERE u.username = $1").bind(BENCH_USERNAME)).await?;
    let (county_id, county_name, path) = found.with_context(|| format!("数据库中没有压测账号 {BENCH_USERNAME}：--reuse 只能用于此前以 --keep 保留的压测数据"))?;
    let (lo, hi) = lianzheng_core::org::subtree_range(&path);
    let county_people = db.scalar_i64(q("SELECT COUNT(*) FROM people WHERE org_path >= $1 AND org_path < $2").bind(lo).bind(hi)).await? as usize;
    let orgs = db.scalar_i64(q("SELECT COUNT(*) FROM orgs")).await? as usize;
    let people = db.scalar_i64(q("SELECT COUNT(*) FROM people")).await? as usize;
    let posts = db.scalar_i64(q("SELECT COUNT(*) FROM posts")).await? as usize;
    Ok(Generated { orgs, people, posts, county_id, county_name, county_people })
}

async fn write_people(db: &Db, people: &mut Vec<Vec<Val>>, posts: &mut Vec<Vec<Val>>) -> anyhow::Result<()> {
    if people.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    insert_rows(&mut tx, "people", PEOPLE_COLS, std::mem::take(people)).await?;
    insert_rows(&mut tx, "posts", POST_COLS, std::mem::take(posts)).await?;
    tx.commit().await?;
    Ok(())
}

const CHINESE_NUM: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
const CITY_STEMS: &[&str] = &["东川", "西岭", "南湖", "北原", "青山", "白河", "红岩", "金沙", "玉泉", "石城", "龙门", "凤台", "云溪", "松江"];
const COUNTY_STEMS: &[&str] = &["安平", "永和", "长乐", "新丰", "宁远", "临泽", "太和", "广川", "清河", "高阳"];
const COUNTY_DEPARTMENTS: &[&str] = &[
    "委办公室",
    "人民政府办公室",
    "委组织部",
    "委宣传部",
    "委统战部",
    "委政法委员会",
    "发展和改革局",
    "教育局",
    "科学技术局",
    "工业和信息化局",
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境分局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康委员会",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "林业局",
    "信访局",
    "人民法院",
    "人民检察院",
    "融媒体中心",
];
const CITY_DEPARTMENTS: &[&str] =
    &["委办公室", "人民政府办公室", "委组织部", "委宣传部", "委政法委员会", "发展和改革委员会", "教育局", "公安局", "财政局", "自然资源和规划局", "住房和城乡建设局", "交通运输局", "卫生健康委员会", "审计局"];
const PROVINCE_DEPARTMENTS: &[&str] = &[
    "委办公厅",
    "人民政府办公厅",
    "委组织部",
    "委宣传部",
    "委统战部",
    "委政法委员会",
    "发展和改革委员会",
    "教育厅",
    "科学技术厅",
    "工业和信息化厅",
    "公安厅",
    "民政厅",
    "司法厅",
    "财政厅",
    "人力资源和社会保障厅",
    "自然资源厅",
    "生态环境厅",
    "住房和城乡建设厅",
    "交通运输厅",
    "水利厅",
];
const TOWNSHIPS: &[&str] = &["城关镇", "东关镇", "西河乡", "南山镇", "北塬乡", "柳林镇", "石门乡", "青龙镇", "白水乡", "红星街道", "新华街道", "杨柳镇", "桃园乡", "马坊镇", "河口镇", "高桥乡", "黄土镇", "三岔乡"];
const VILLAGES: &[&str] = &["东村", "西村", "南庄", "北堡", "河湾", "新民", "和平社区", "幸福社区"];
const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹"];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "淑珍", "书文", "世杰", "思远", "晓东", "建华", "红梅", "志刚", "海燕",
    "国庆", "文静", "少华", "春生",
];
const DUTY_AREAS: &[&str] = &["党风廉政建设", "财务与资产", "人事与组织", "项目建设", "行政审批", "安全生产", "教育培训", "信访维稳", "后勤保障"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_match_the_scales() {
        let c = build_tree(Scale::County);
        assert_eq!(c.orgs.len(), 148);
        let city = build_tree(Scale::City);
        assert_eq!(city.orgs.len(), 1500);
        let p = build_tree(Scale::Province);
        assert_eq!(p.counties.len(), 100);
        assert!((14_500..=15_500).contains(&p.orgs.len()), "{}", p.orgs.len());
        // paths are the parent's path plus the id, codes unique
        let mut codes: Vec<&str> = p.orgs.iter().map(|o| o.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), p.orgs.len());
        for o in &p.orgs {
            let expected = match o.parent_id {
                Some(pid) => format!("{}{}/", p.orgs[pid as usize - 1].path, o.id),
                None => format!("/{}/", o.id),
            };
            assert_eq!(o.path, expected);
        }
    }

    #[test]
    fn generated_id_numbers_are_valid_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for k in 0..40_000 {
            let s = id_number(k);
            assert!(IdCardNumber::parse(&s).is_ok(), "{s}");
            assert!(seen.insert(s));
        }
    }
}
