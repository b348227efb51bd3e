//! 演示数据: a sample county (县委, 县纪委 with 派驻纪检组, departments, townships with village
//! branches, ~300 people with posts) and one account per role. Deterministic, so the README
//! and the browser tests can name what is there.

use lianzheng_core::crypto::Crypto;
use lianzheng_core::idcard::IdCardNumber;
use lianzheng_core::ids::{OrgId, PersonId};
use lianzheng_core::org::{Gender, OrgKind, PoliticalStatus, PostKind, Rank, Role, Scope};
use lianzheng_core::password::PasswordHasher;
use lianzheng_store::audit::Actor;
use lianzheng_store::org::{self, OrgInput};
use lianzheng_store::people::{self, PersonInput, PostInput};
use lianzheng_store::users::{self, UserInput};
use lianzheng_store::{Db, StoreError};

/// The password of every demo account (demo only; listed in README).
pub const DEMO_PASSWORD: &str = "Demo@2026lz";

/// Demo accounts: username, name, role, unit code (scope root).
pub const ACCOUNTS: &[(&str, &str, Role, &str)] = &[
    ("admin", "系统管理员", Role::SystemAdmin, "XW"),
    ("secadmin", "安全保密管理员", Role::SecurityAdmin, "XW"),
    ("auditor", "安全审计员", Role::Auditor, "XW"),
    ("jw_staff", "张淑芬", Role::DisciplineStaff, "XW"),
    ("dw_jyj", "李文华", Role::PartyStaff, "XW-D08"),
    ("sj_jyj", "王建国", Role::Secretary, "XW-D08"),
    ("bz_jyj", "刘志强", Role::TeamMember, "XW-D08"),
    ("jcz", "陈立新", Role::Inspector, "XW"),
    ("gb_jyj", "赵晓燕", Role::Cadre, "XW-D08"),
];

const DEPARTMENTS: &[(&str, OrgKind)] = &[
    ("中共某某县委办公室", OrgKind::PartyGroup),
    ("某某县人民政府办公室", OrgKind::PartyGroup),
    ("中共某某县委组织部", OrgKind::PartyGroup),
    ("中共某某县委宣传部", OrgKind::PartyGroup),
    ("中共某某县委统战部", OrgKind::PartyGroup),
    ("中共某某县委政法委员会", OrgKind::PartyGroup),
    ("某某县发展和改革局", OrgKind::PartyGroup),
    ("某某县教育局", OrgKind::PartyGroup),
    ("某某县公安局", OrgKind::PartyCommittee),
    ("某某县财政局", OrgKind::PartyGroup),
    ("某某县人力资源和社会保障局", OrgKind::PartyGroup),
    ("某某县自然资源局", OrgKind::PartyGroup),
    ("某某县住房和城乡建设局", OrgKind::PartyGroup),
    ("某某县交通运输局", OrgKind::PartyGroup),
    ("某某县农业农村局", OrgKind::PartyGroup),
    ("某某县水利局", OrgKind::PartyGroup),
    ("某某县卫生健康局", OrgKind::PartyGroup),
    ("某某县市场监督管理局", OrgKind::PartyGroup),
    ("某某县人民法院", OrgKind::PartyGroup),
    ("某某县人民检察院", OrgKind::PartyGroup),
];

const TOWNSHIPS: &[&str] = &["城关镇", "东关镇", "西河乡", "南山镇", "北塬乡", "柳林镇", "石门乡", "青龙镇", "白水乡", "红星街道"];
const VILLAGES: &[&str] = &["东村", "西村", "南庄", "北堡", "河湾", "新民", "和平社区", "幸福社区"];
const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹"];
/// Given names by the gender they are usually borne by, so that a 女 in the register is not
/// called 志刚.
const GIVEN_MALE: &[&str] = &["伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "平", "刚", "书文", "世杰", "思远", "晓东", "建华", "志刚", "国庆", "少华", "春生", "建军", "文博", "振华"];
const GIVEN_FEMALE: &[&str] = &["芳", "娜", "秀英", "敏", "静", "丽", "艳", "娟", "秀兰", "霞", "桂英", "淑珍", "红梅", "海燕", "文静", "玉兰", "雪梅", "慧"];
/// The named demo people and whether they are men.
const NAMED: &[(&str, bool)] = &[("孙正平", true), ("张淑芬", false), ("陈立新", true), ("王建国", true), ("刘志强", true), ("李文华", false), ("赵晓燕", false)];
const DUTY_AREAS: &[&str] = &["党风廉政建设", "财务与资产", "人事与组织", "项目建设", "行政审批", "安全生产", "教育培训", "信访维稳", "后勤保障"];

/// A valid 18-digit ID number (GB 11643 check digit computed here).
pub fn id_number(region: &str, y: i32, m: u32, d: u32, seq: u32, male: bool) -> String {
    let seq = (seq % 500) * 2 + if male { 1 } else { 0 };
    let body = format!("{region}{y:04}{m:02}{d:02}{seq:03}");
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const C: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = body.chars().zip(W).map(|(c, w)| c.to_digit(10).unwrap_or(0) * w).sum();
    format!("{body}{}", C[(sum % 11) as usize])
}

struct Gen {
    n: u32,
}

impl Gen {
    fn next(&mut self) -> u32 {
        // a small LCG: deterministic and good enough for sample names
        self.n = self.n.wrapping_mul(1_103_515_245).wrapping_add(12345);
        (self.n >> 16) & 0x7fff
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[(self.next() as usize) % v.len()]
    }
}

struct Loader<'a> {
    crypto: &'a dyn Crypto,
    actor: Actor,
    rng: Gen,
    seq: u32,
}

#[allow(clippy::too_many_arguments)] // sample rows are clearer spelled out
impl Loader<'_> {
    async fn org(&mut self, tx: &mut lianzheng_store::Tx, parent: Option<OrgId>, name: &str, short: Option<&str>, kind: OrgKind, code: &str, order: i64) -> Result<OrgId, StoreError> {
        let input = OrgInput { parent_id: parent, name: name.to_string(), short_name: short.map(str::to_string), kind, code: code.to_string(), sort_order: order };
        Ok(org::create(tx, &self.actor, &input).await?.id)
    }

    async fn person(&mut self, tx: &mut lianzheng_store::Tx, org_id: OrgId, name: Option<&str>, post: PostKind, title: Option<&str>, rank: Rank, duty: Option<&str>) -> Result<PersonId, StoreError> {
        self.seq += 1;
        let drawn_male = !self.rng.next().is_multiple_of(3);
        let (name, male) = match name {
            Some(n) => (n.to_string(), NAMED.iter().find(|(named, _)| *named == n).map_or(drawn_male, |(_, m)| *m)),
            None => (format!("{}{}", self.rng.pick(SURNAMES), self.rng.pick(if drawn_male { GIVEN_MALE } else { GIVEN_FEMALE })), drawn_male),
        };
        let y = 1965 + (self.rng.next() % 35) as i32;
        let m = 1 + self.rng.next() % 12;
        let d = 1 + self.rng.next() % 28;
        let id = IdCardNumber::parse(&id_number("130123", y, m, d, self.seq, male)).ok();
        let input = PersonInput {
            org_id,
            name,
            gender: if male { Gender::Male } else { Gender::Female },
            id_number: id,
            phone: Some(format!("139{:08}", 30_000_000 + self.seq * 7919 % 60_000_000)),
            political_status: Some(if self.rng.next() % 10 < 8 { PoliticalStatus::PartyMember } else { PoliticalStatus::Masses }),
            rank: Some(rank),
            sort_order: i64::from(self.seq),
        };
        let posts = vec![PostInput { org_id, kind: post, title: title.map(str::to_string), duty_areas: duty.map(str::to_string), start_date: Some(format!("{}-03-01", 2018 + self.rng.next() % 8)), end_date: None }];
        people::create(tx, &self.actor, self.crypto, &Scope::system(lianzheng_core::org::SystemScope::Demo), &input, &posts).await
    }

    /// A unit's leadership and staff.
    async fn staff(&mut self, tx: &mut lianzheng_store::Tx, org_id: OrgId, secretary: Option<&str>, members: usize, others: usize, rank: Rank) -> Result<(), StoreError> {
        self.person(tx, org_id, secretary, PostKind::Secretary, Some("党组书记"), rank, None).await?;
        for _ in 0..members {
            let duty = self.rng.pick(DUTY_AREAS);
            self.person(tx, org_id, None, PostKind::TeamMember, Some("班子成员"), rank, Some(duty)).await?;
        }
        self.person(tx, org_id, None, PostKind::MiddleManager, Some("办公室主任"), Rank::Staff, None).await?;
        for _ in 0..others {
            self.person(tx, org_id, None, PostKind::Cadre, None, Rank::Staff, None).await?;
        }
        Ok(())
    }
}

/// Loads the county unless organisations exist already. Returns false if nothing was loaded.
pub async fn load(db: &Db, crypto: &dyn Crypto, hasher: &PasswordHasher) -> anyhow::Result<bool> {
    if org::count(db).await? > 0 {
        return Ok(false);
    }
    let mut l = Loader { crypto, actor: Actor::system("演示数据"), rng: Gen { n: 2026 }, seq: 0 };
    let mut tx = db.begin().await?;
    let root = l.org(&mut tx, None, "中共某某县委员会", Some("县委"), OrgKind::PartyCommittee, "XW", 1).await?;
    let jw = l.org(&mut tx, Some(root), "中共某某县纪律检查委员会", Some("县纪委"), OrgKind::DisciplineCommission, "XW-JW", 1).await?;
    l.person(&mut tx, jw, Some("孙正平"), PostKind::DisciplineSecretary, Some("县纪委书记、县监委主任"), Rank::County, None).await?;
    l.person(&mut tx, jw, Some("张淑芬"), PostKind::Cadre, Some("党风政风监督室主任"), Rank::Township, None).await?;
    l.person(&mut tx, jw, Some("陈立新"), PostKind::Cadre, Some("案件监督管理室"), Rank::Staff, None).await?;
    for _ in 0..6 {
        l.person(&mut tx, jw, None, PostKind::Cadre, None, Rank::Staff, None).await?;
    }
    for (i, n) in ["第一", "第二", "第三", "第四"].iter().enumerate() {
        let g = l.org(&mut tx, Some(jw), &format!("县纪委监委派驻{n}纪检监察组"), Some(&format!("派驻{n}纪检组")), OrgKind::StationedGroup, &format!("XW-JW-PZ{}", i + 1), i as i64 + 1).await?;
        l.person(&mut tx, g, None, PostKind::Secretary, Some("组长"), Rank::Township, None).await?;
        l.person(&mut tx, g, None, PostKind::Cadre, None, Rank::Staff, None).await?;
    }
    for (i, (name, kind)) in DEPARTMENTS.iter().enumerate() {
        let code = format!("XW-D{:02}", i + 1);
        let d = l.org(&mut tx, Some(root), name, None, *kind, &code, i as i64 + 10).await?;
        let secretary = if code == "XW-D08" { Some("王建国") } else { None };
        l.staff(&mut tx, d, secretary, 3, 4, Rank::Township).await?;
        if code == "XW-D08" {
            l.person(&mut tx, d, Some("刘志强"), PostKind::TeamMember, Some("副局长"), Rank::Township, Some("党风廉政建设、财务")).await?;
            l.person(&mut tx, d, Some("李文华"), PostKind::Cadre, Some("党建办干事"), Rank::Staff, None).await?;
            l.person(&mut tx, d, Some("赵晓燕"), PostKind::Cadre, None, Rank::Staff, None).await?;
            let b = l.org(&mut tx, Some(d), "某某县教育局机关党支部", None, OrgKind::Branch, "XW-D08-ZB1", 1).await?;
            l.person(&mut tx, b, None, PostKind::Secretary, Some("支部书记"), Rank::Staff, None).await?;
        }
    }
    for (i, t) in TOWNSHIPS.iter().enumerate() {
        let code = format!("XW-T{:02}", i + 1);
        let town = l.org(&mut tx, Some(root), &format!("中共{t}委员会"), Some(t), OrgKind::Township, &code, i as i64 + 100).await?;
        l.staff(&mut tx, town, None, 3, 3, Rank::Township).await?;
        let tjw = l.org(&mut tx, Some(town), &format!("中共{t}纪律检查委员会"), Some(&format!("{t}纪委")), OrgKind::DisciplineCommission, &format!("{code}-JW"), 1).await?;
        l.person(&mut tx, tjw, None, PostKind::DisciplineSecretary, Some("纪委书记"), Rank::Township, None).await?;
        for v in 0..3 {
            let vname = VILLAGES[(i + v * 3) % VILLAGES.len()];
            let b = l.org(&mut tx, Some(town), &format!("{t}{vname}党支部"), None, OrgKind::Branch, &format!("{code}-C{:02}", v + 1), v as i64 + 2).await?;
            l.person(&mut tx, b, None, PostKind::Secretary, Some("党支部书记、村（居）委会主任"), Rank::Village, None).await?;
            l.person(&mut tx, b, None, PostKind::TeamMember, Some("村（居）委会委员"), Rank::Village, Some("村务监督")).await?;
        }
    }
    // accounts, one per role
    let hash = hasher.hash(DEMO_PASSWORD).map_err(|e| anyhow::anyhow!(e.to_string()))?;
    for (username, name, role, code) in ACCOUNTS {
        let scope_org = org_id_by_code(&mut tx, code).await?;
        // business accounts belong to the demo person of that name in that unit or below it
        // (signing one's own letter, scoring as a member of an inspection group need it): the
        // county's 纪委 staff sit in the 纪委 under the county they see
        let person: Option<(PersonId,)> = tx
            .fetch_optional(
                lianzheng_store::q("SELECT MIN(p.id) FROM people p JOIN orgs o ON o.id = p.org_id WHERE p.name = $1 AND o.path LIKE (SELECT path FROM orgs WHERE id = $2) || '%' HAVING COUNT(*) > 0")
                    .bind(*name)
                    .bind(scope_org),
            )
            .await?;
        let person_id = if role.is_admin() { None } else { person.map(|(id,)| id) };
        let uid = users::create(&mut tx, &l.actor, &UserInput { username: username.to_string(), display_name: name.to_string(), person_id, org_id: Some(scope_org) }, &hash, false).await?;
        users::add_grant(&mut tx, &l.actor, uid, *role, if role.needs_org() { Some(scope_org) } else { None }).await?;
    }
    tx.commit().await?;
    Ok(true)
}

async fn org_id_by_code(tx: &mut lianzheng_store::Tx, code: &str) -> Result<OrgId, StoreError> {
    tx.scalar_i64(lianzheng_store::q("SELECT id FROM orgs WHERE code = $1").bind(code)).await.map(OrgId::new)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_named_demo_person_has_a_gender() {
        for (_, name, role, _) in super::ACCOUNTS {
            if !role.is_admin() {
                assert!(super::NAMED.iter().any(|(n, _)| n == name), "{name}");
            }
        }
    }

    #[test]
    fn generated_id_numbers_are_valid() {
        for seq in 0..50 {
            let s = super::id_number("130123", 1980, 2, 28, seq, seq % 2 == 0);
            assert!(lianzheng_core::idcard::IdCardNumber::parse(&s).is_ok(), "{s}");
        }
    }
}
