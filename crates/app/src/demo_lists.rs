//! Demo data for 定责 — 责任清单: published 共性 items, unit lists in every state, the
//! 教育局 leaders' personal lists (their letters are made from them), and last year's lists.

use lianzheng_core::ids::{OrgId, PersonId};
use lianzheng_core::org::{OrgKind, Scope};
use lianzheng_store::audit::Actor;
use lianzheng_store::duty::lists::{self, ListKind};
use lianzheng_store::{Tx, q};
use lianzheng_web::AppState;

const COMMON_MAIN: &[(&str, &str)] = &[
    ("组织领导", "党组对本单位党风廉政建设负全面领导责任，每年至少两次专题研究党风廉政建设工作"),
    ("组织领导", "党组书记履行第一责任人职责，重要工作亲自部署、重大问题亲自过问、重点环节亲自协调"),
    ("一岗双责", "班子成员对分管领域党风廉政建设负主要领导责任，每半年向党组报告一次履责情况"),
    ("教育", "每年组织廉政党课、警示教育不少于两次，新任职干部开展任前廉政谈话"),
    ("制度", "完善“三重一大”集体决策制度，严格执行议事规则和决策程序"),
    ("作风", "严格落实中央八项规定及其实施细则精神，持续纠治“四风”"),
    ("监督", "支持派驻纪检监察组履行监督责任，及时通报和移交问题线索"),
    ("问责", "对本单位发生的违纪违法问题，按规定落实“一案双查”"),
];

const COMMON_SUPERVISION: &[(&str, &str)] = &[
    ("监督", "协助党委推进全面从严治党，每季度向党委报告一次监督工作情况"),
    ("监督", "聚焦“关键少数”，对班子成员履行“一岗双责”情况开展监督"),
    ("执纪", "规范问题线索处置，按期办结，做到件件有着落"),
    ("问责", "对落实主体责任不力的，及时提出问责建议"),
];

/// Each department's own (个性) duties, so that honest letters differ.
fn specifics(code: &str) -> &'static [&'static str] {
    match code {
        "XW-D01" => &["规范公文运转和督查督办，重要事项办理情况每月通报", "严格公务接待和公车使用管理，每季度公示接待费用", "加强机要保密管理，落实涉密人员离岗脱密期要求"],
        "XW-D02" => &["规范政府采购和政府投资项目审批，全程留痕可查", "加强政务服务窗口作风建设，开展“好差评”监督", "落实政务公开，重大行政决策公开征求意见"],
        "XW-D03" => &["严把干部选拔任用政治关、品行关、廉洁关，凡提必听纪委意见", "落实领导干部个人有关事项报告抽查核实制度", "加强年轻干部日常管理监督，开展任前廉政谈话"],
        "XW-D07" => &["严格政府投资项目审批和核准备案，重大项目全程公开", "加强价格监测和收费监管，防止利用审批权限谋取私利", "规范粮食储备和物资采购管理，每半年开展一次专项检查"],
        "XW-D05" => &["规范民族宗教事务管理，严格宗教活动场所资金监管", "加强统一战线对象廉洁教育，每年开展一次专题座谈", "规范社团组织管理，防止借统战名义谋取私利"],
        _ => &["结合本单位业务特点，梳理廉政风险点并制定防控措施"],
    }
}

async fn org(tx: &mut Tx, code: &str) -> anyhow::Result<OrgId> {
    Ok(OrgId::new(tx.scalar_i64(q("SELECT id FROM orgs WHERE code = $1").bind(code)).await?))
}

async fn person(tx: &mut Tx, name: &str) -> anyhow::Result<PersonId> {
    Ok(PersonId::new(tx.scalar_i64(q("SELECT MIN(id) FROM people WHERE name = $1").bind(name)).await?))
}

pub async fn load(st: &AppState) -> anyhow::Result<()> {
    let actor = Actor::system("演示数据");
    let all = Scope::system(lianzheng_core::org::SystemScope::Demo);
    let year = i64::from(lianzheng_web::pages::duty::current_year());
    let mut tx = st.db.begin().await?;
    let county = org(&mut tx, "XW").await?;
    let jw = org(&mut tx, "XW-JW").await?;
    let t = lists::create_template(&mut tx, &actor, &all, year, county, ListKind::Main, OrgKind::PartyGroup, &format!("{year}年县直部门党组落实主体责任共性清单")).await?;
    for (c, text) in COMMON_MAIN {
        lists::add_template_item(&mut tx, &actor, &all, t, Some(c.to_string()), text).await?;
    }
    lists::publish_template(&mut tx, &actor, &all, t).await?;
    let t = lists::create_template(&mut tx, &actor, &all, year, jw, ListKind::Supervision, OrgKind::DisciplineCommission, &format!("{year}年乡镇纪委监督责任共性清单")).await?;
    for (c, text) in COMMON_SUPERVISION {
        lists::add_template_item(&mut tx, &actor, &all, t, Some(c.to_string()), text).await?;
    }
    lists::publish_template(&mut tx, &actor, &all, t).await?;

    // 教育局: unit list accepted; the 书记's and a 班子成员's personal lists
    let edu = org(&mut tx, "XW-D08").await?;
    let l = lists::create(&mut tx, &actor, &all, year, edu, ListKind::Main, None, &format!("某某县教育局党组{year}年党风廉政建设主体责任清单")).await?;
    lists::add_item(&mut tx, &actor, &all, l, Some("重点领域".into()), "加强教育经费、营养改善计划资金、校舍建设项目的监管，每季度开展一次专项检查").await?;
    lists::add_item(&mut tx, &actor, &all, l, Some("重点领域".into()), "规范招生入学、教师招聘和职称评审，全程公开接受监督").await?;
    lists::add_item(&mut tx, &actor, &all, l, Some("作风".into()), "整治有偿补课、违规收受家长礼品礼金等师德师风问题").await?;
    lists::submit(&mut tx, &actor, &all, l).await?;
    lists::review(&mut tx, &actor, &all, l, true, None).await?;
    let secretary = person(&mut tx, "王建国").await?;
    let l = lists::create(&mut tx, &actor, &all, year, edu, ListKind::Main, Some(secretary), &format!("王建国同志{year}年落实党风廉政建设第一责任人清单")).await?;
    for text in ["主持召开党组会议专题研究党风廉政建设工作，全年不少于4次", "带头讲廉政党课，每年至少1次", "对班子成员和下属学校校长开展廉政约谈，每年全覆盖", "亲自督办上级交办的党风廉政建设重要事项和信访件"]
    {
        lists::add_item(&mut tx, &actor, &all, l, Some("第一责任人".into()), text).await?;
    }
    lists::submit(&mut tx, &actor, &all, l).await?;
    lists::review(&mut tx, &actor, &all, l, true, None).await?;
    let member = person(&mut tx, "刘志强").await?;
    let l = lists::create(&mut tx, &actor, &all, year, edu, ListKind::Main, Some(member), &format!("刘志强同志{year}年“一岗双责”清单")).await?;
    for text in ["对分管的财务、基建工作落实党风廉政建设要求，每半年向党组报告一次", "对分管科室负责人开展廉政谈话，每年不少于1次", "严格执行财务审批制度，大额资金使用提交党组集体研究"]
    {
        lists::add_item(&mut tx, &actor, &all, l, Some("一岗双责".into()), text).await?;
    }
    lists::submit(&mut tx, &actor, &all, l).await?;
    lists::review(&mut tx, &actor, &all, l, true, None).await?;

    // other departments in every state: submitted, returned, draft with only 共性, none at all;
    // letters are generated from the accepted ones only (人民政府办公室, 发改局)
    for (code, state) in [("XW-D01", "submitted"), ("XW-D02", "accepted"), ("XW-D03", "returned"), ("XW-D04", "draft"), ("XW-D05", "submitted"), ("XW-D07", "accepted")] {
        let id = org(&mut tx, code).await?;
        let name: (String,) = tx.fetch_one(q("SELECT name FROM orgs WHERE id = $1").bind(id)).await?;
        let l = lists::create(&mut tx, &actor, &all, year, id, ListKind::Main, None, &format!("{}{year}年党风廉政建设主体责任清单", name.0)).await?;
        if state != "draft" {
            for text in specifics(code) {
                lists::add_item(&mut tx, &actor, &all, l, Some("个性".into()), text).await?;
            }
            lists::submit(&mut tx, &actor, &all, l).await?;
        }
        match state {
            "accepted" => lists::review(&mut tx, &actor, &all, l, true, None).await?,
            "returned" => lists::review(&mut tx, &actor, &all, l, false, Some("个性内容过于笼统，未结合部门职责，请细化后重新报送")).await?,
            _ => {}
        }
    }
    // last year, for 复制上年清单
    for code in ["XW-D06", "XW-D09"] {
        let id = org(&mut tx, code).await?;
        let name: (String,) = tx.fetch_one(q("SELECT name FROM orgs WHERE id = $1").bind(id)).await?;
        let l = lists::create(&mut tx, &actor, &all, year - 1, id, ListKind::Main, None, &format!("{}{}年党风廉政建设主体责任清单", name.0, year - 1)).await?;
        lists::add_item(&mut tx, &actor, &all, l, Some("个性".into()), "落实主体责任，抓好本单位党风廉政建设").await?;
    }
    tx.commit().await?;
    Ok(())
}
