//! Demo data for 履责 — 谈话函询: a year's records of the 县纪委 about people of 教育局 and
//! 组织部 in every state a clerk meets — concluded, a 函询 past its reply date, one answered
//! and waiting for the conclusion, one waiting for 刘志强's own reply (bz_jyj signs in and
//! sees it in his 待办), talks of each kind. Dates are relative to today; reply dates are
//! counted on the working-day calendar.

use lianzheng_core::duty::format_date;
use lianzheng_core::ids::{OrgId, PersonId};
use lianzheng_store::audit::Actor;
use lianzheng_store::conduct::inquiries::{self as store, NewInquiry};
use lianzheng_store::{Db, q};
use lianzheng_web::AppState;

struct Demo {
    /// the person: unit code and the n-th person there without an account (or a demo account)
    who: Who,
    kind: &'static str,
    days_ago: i64,
    matter: &'static str,
    source: &'static str,
    /// (days ago, text) of the reply
    reply: Option<(i64, &'static str)>,
    /// (conclusion, what follows)
    conclusion: Option<(&'static str, &'static str)>,
}

enum Who {
    Unit(&'static str, i64),
    Account(&'static str),
}

const RECORDS: &[Demo] = &[
    Demo {
        who: Who::Unit("XW-D08", 0),
        kind: "letter",
        days_ago: 60,
        matter: "反映其在学校食堂承包招标中打招呼、干预评标。",
        source: "信访举报",
        reply: Some((45, "本人未对食堂承包招标工作打过招呼，评标由学校按程序组织，附招标文件及评标记录复印件。")),
        conclusion: Some(("accepted", "经核对招标材料，说明属实，予以采信，函询了结。")),
    },
    Demo { who: Who::Unit("XW-D08", 1), kind: "letter", days_ago: 40, matter: "反映其违规收受教辅资料供应商购物卡。", source: "信访举报", reply: None, conclusion: None },
    Demo {
        who: Who::Unit("XW-D08", 2),
        kind: "letter",
        days_ago: 25,
        matter: "反映其配偶经营的培训机构招揽在校学生有偿补课。",
        source: "巡察移交",
        reply: Some((8, "本人配偶确于2024年起经营艺术培训机构，未招收本校学生，本人未利用职务便利为其招揽生源。")),
        conclusion: None,
    },
    Demo { who: Who::Account("bz_jyj"), kind: "letter", days_ago: 3, matter: "反映分管的校舍维修项目验收把关不严。", source: "监督检查中发现", reply: None, conclusion: None },
    Demo {
        who: Who::Unit("XW-D08", 0),
        kind: "reminder",
        days_ago: 12,
        matter: "节前提醒：严禁违规收送礼品礼金，严禁公车私用。",
        source: "日常监督",
        reply: None,
        conclusion: Some(("closed", "已当面提醒，本人表示接受。")),
    },
    Demo { who: Who::Unit("XW-D03", 0), kind: "letter", days_ago: 5, matter: "反映其在干部考察中泄露考察信息。", source: "信访举报", reply: None, conclusion: None },
    Demo {
        who: Who::Unit("XW-D03", 1),
        kind: "admonition",
        days_ago: 70,
        matter: "落实意识形态工作责任制不力，年度考核排名靠后。",
        source: "监督检查中发现",
        reply: None,
        conclusion: Some(("closed", "诫勉谈话，责令作出书面检查。")),
    },
];

pub async fn load(st: &AppState) -> anyhow::Result<()> {
    let db = &st.db;
    let actor = Actor::system("演示数据");
    let today = lianzheng_web::app::calendar::today();
    let day = |n: i64| today - time::Duration::days(n);
    let issuer = OrgId::new(db.scalar_i64(q("SELECT id FROM orgs WHERE code = 'XW-JW'")).await?);
    let (issuer_path,): (String,) = db.fetch_one(q("SELECT path FROM orgs WHERE id = $1").bind(issuer)).await?;
    for r in RECORDS {
        let (person, path) = person(db, &r.who).await?;
        let issued = day(r.days_ago);
        let (reply_days, reply_due) = if r.kind == "letter" {
            let due = lianzheng_web::app::calendar::add_workdays(st, issued, 15).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
            (Some(15), Some(format_date(due)))
        } else {
            (None, None)
        };
        let n = NewInquiry {
            org_id: issuer,
            org_path: issuer_path.clone(),
            kind: r.kind.into(),
            person_id: person,
            person_org_path: path,
            matter: r.matter.into(),
            source: Some(r.source.into()),
            issued_on: format_date(issued),
            reply_days,
            reply_due,
            created_by: None,
        };
        let mut tx = db.begin().await?;
        let id = store::create(&mut tx, &actor, &n).await?;
        let mut version = 1;
        if let Some((ago, text)) = r.reply {
            store::reply(&mut tx, &actor, id, version, text, &format_date(day(ago)), "县纪委（按书面回复录入）").await?;
            version += 1;
        }
        if let Some((c, follow)) = r.conclusion {
            store::conclude(&mut tx, &actor, id, version, c, Some(follow), &format_date(day(r.days_ago.min(r.reply.map_or(r.days_ago, |x| x.0)) - 1))).await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

/// The person a demo record is about, and his unit's path.
async fn person(db: &Db, who: &Who) -> anyhow::Result<(PersonId, String)> {
    let row: Option<(PersonId, String)> = match who {
        Who::Unit(code, n) => {
            db.fetch_optional(
                q("SELECT p.id, p.org_path FROM people p JOIN orgs o ON o.id = p.org_id WHERE o.code = $1 AND p.id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) ORDER BY p.id LIMIT 1 OFFSET $2")
                    .bind(*code)
                    .bind(*n),
            )
            .await?
        }
        Who::Account(username) => db.fetch_optional(q("SELECT p.id, p.org_path FROM people p JOIN users u ON u.person_id = p.id WHERE u.username = $1").bind(*username)).await?,
    };
    row.ok_or_else(|| anyhow::anyhow!("演示数据缺少谈话函询对象"))
}
