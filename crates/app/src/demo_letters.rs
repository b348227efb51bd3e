//! Demo data for 定责 — 责任书: a template of 县委, letters generated for every leader and unit
//! with an accepted (已备案) list, and the three defects the inspection looks for, each once: one
//! letter copied from another unit's (发改局 from 人民政府办公室), one copied from the signer's own
//! letter of last year (王建国), and one carrying "不办人情案、金钱案、关系案" in a non-judicial
//! unit (教育局).

use lianzheng_core::ids::{LetterId, OrgId, PersonId};
use lianzheng_core::org::Scope;
use lianzheng_store::audit::Actor;
use lianzheng_store::duty::letters;
use lianzheng_store::q;
use lianzheng_web::AppState;
use lianzheng_web::pages::duty::letters::DEFAULT_BODY;

pub async fn load(st: &AppState) -> anyhow::Result<()> {
    let actor = Actor::system("演示数据");
    let all = Scope::system(lianzheng_core::org::SystemScope::Demo);
    let year = i64::from(lianzheng_web::pages::duty::current_year());
    let county = OrgId::new(st.db.scalar_i64(q("SELECT id FROM orgs WHERE code = 'XW'")).await?);
    let threshold = st.policy.letter_threshold;

    // last year's letter of 王建国 (from last year's list text), signed
    let mut tx = st.db.begin().await?;
    let last_t = letters::create_template(&mut tx, &actor, &all, year - 1, county, "responsibility", &format!("{}年度党风廉政建设责任书", year - 1), DEFAULT_BODY).await?;
    tx.commit().await?;

    let mut tx = st.db.begin().await?;
    let t = letters::create_template(&mut tx, &actor, &all, year, county, "responsibility", &format!("{year}年度党风廉政建设责任书"), DEFAULT_BODY).await?;
    let (made, _) = letters::generate(&mut tx, &actor, &all, t).await?;
    tx.commit().await?;

    // the defects
    let letter_of = |sql: &'static str| async move { st.db.fetch_optional::<(LetterId, String, i64)>(q(sql)).await };
    let d02 = letter_of("SELECT l.id, l.body, l.version FROM letters l JOIN orgs o ON o.id = l.org_id WHERE o.code = 'XW-D02' AND l.person_id IS NULL").await?;
    let d07 = letter_of("SELECT l.id, l.body, l.version FROM letters l JOIN orgs o ON o.id = l.org_id WHERE o.code = 'XW-D07' AND l.person_id IS NULL").await?;
    let edu = letter_of("SELECT l.id, l.body, l.version FROM letters l JOIN orgs o ON o.id = l.org_id WHERE o.code = 'XW-D08' AND l.person_id IS NULL").await?;
    let wang = letter_of("SELECT l.id, l.body, l.version FROM letters l JOIN people p ON p.id = l.person_id WHERE p.name = '王建国'").await?;
    let mut tx = st.db.begin().await?;
    if let (Some((_, body, _)), Some((id7, _, v7))) = (&d02, &d07) {
        // 发改局 copies 人民政府办公室's letter, changing only the names
        let copied = body.replace("某某县人民政府办公室", "某某县发展和改革局");
        letters::update_body(&mut tx, &actor, &all, *id7, *v7, &copied).await?;
    }
    if let Some((id, body, v)) = &edu {
        let foreign = format!("{body}\n\n四、补充承诺\n严格执行廉洁从业规定，做到不办人情案、金钱案、关系案。");
        letters::update_body(&mut tx, &actor, &all, *id, *v, &foreign).await?;
    }
    if let Some((_, body, _)) = &wang {
        // last year's letter with the same personal content
        let person = PersonId::new(tx.scalar_i64(q("SELECT MIN(id) FROM people WHERE name = '王建国'")).await?);
        let edu_org = OrgId::new(tx.scalar_i64(q("SELECT id FROM orgs WHERE code = 'XW-D08'")).await?);
        let edu_path: (String,) = tx.fetch_one(q("SELECT path FROM orgs WHERE id = $1").bind(edu_org)).await?;
        let old_body = body.replace(&year.to_string(), &(year - 1).to_string());
        tx.execute(
            q("INSERT INTO letters (year, template_id, kind, upper_org_id, org_id, org_path, person_id, signer_name, title, body, status, sign_method, signed_at, created_at, updated_at) VALUES ($1, $2, 'responsibility', $3, $4, $5, $6, '王建国', $7, $8, 'signed', 'confirm', $9, $9, $9)")
                .bind(year - 1)
                .bind(last_t)
                .bind(county)
                .bind(edu_org)
                .bind(edu_path.0)
                .bind(person)
                .bind(format!("{}年度党风廉政建设责任书（某某县教育局 王建国）", year - 1))
                .bind(old_body)
                .bind(lianzheng_store::now() - 300 * 86400),
        )
        .await?;
    }
    tx.commit().await?;
    // index last year's letter, then check this year's
    let old: Vec<(LetterId,)> = st.db.fetch_all(q("SELECT id FROM letters WHERE year = $1").bind(year - 1)).await?;
    for (id,) in old {
        letters::check_letter(&st.db, id, threshold).await?;
    }
    for id in made {
        letters::check_letter(&st.db, id, threshold).await?;
    }
    Ok(())
}
