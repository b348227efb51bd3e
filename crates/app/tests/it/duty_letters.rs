//! 定责 — 责任书: generated per signer from their own lists, signing, and copy detection
//! (same year, the signer's earlier year, foreign phrases) with review.

use reqwest::Method;
use serde_json::{Value, json};

use crate::both;
use crate::harness::TestApp;

async fn letter_of(app: &TestApp, token: &str, signer: &str) -> Value {
    let (_, v) = app.get_json(token, "/api/v1/duty/letters").await;
    // a person's own letter before a unit's letter the person signs as its 书记
    let this_year = |l: &&Value| l["year"].as_i64() == Some(i64::from(lianzheng_web::pages::duty::current_year()));
    let items = v["items"].as_array().unwrap();
    let by_signer = |personal: bool| items.iter().filter(this_year).find(|l| l["signer_name"] == signer && l["person_id"].is_null() != personal).cloned();
    by_signer(true).or_else(|| by_signer(false)).or_else(|| items.iter().filter(this_year).find(|l| l["org_name"] == signer).cloned()).unwrap_or(Value::Null)
}

both!(demo_letters_are_personal_and_defects_are_flagged, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    // each letter carries its signer's own list items
    let wang = letter_of(&app, &jw, "王建国").await;
    let liu = letter_of(&app, &jw, "刘志强").await;
    assert!(wang["body"].as_str().unwrap().contains("带头讲廉政党课"));
    assert!(!liu["body"].as_str().unwrap().contains("带头讲廉政党课"));
    assert!(liu["body"].as_str().unwrap().contains("大额资金使用提交党组集体研究"));
    // the three seeded defects are flagged; honest letters from the same template are not
    let (_, v) = app.get_json(&jw, "/api/v1/duty/letter-flags").await;
    let flags = v["items"].as_array().unwrap();
    let kinds: Vec<&str> = flags.iter().map(|f| f["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"duplicate") && kinds.contains(&"copied") && kinds.contains(&"foreign"), "{kinds:?}");
    // each defect once (README): letters come from 已备案 lists only, so the drafts holding only
    // 共性 content have none and are not a second pair
    for kind in ["duplicate", "copied", "foreign"] {
        assert_eq!(kinds.iter().filter(|k| **k == kind).count(), 1, "{kind} once: {kinds:?}");
    }
    let dups: Vec<&Value> = flags.iter().filter(|f| f["kind"] == "duplicate").collect();
    assert!(dups.iter().any(|f| f["letter_org"] == "某某县发展和改革局" || f["other_org"] == "某某县发展和改革局"), "the copied pair: {v}");
    assert!(dups.iter().all(|f| f["letter_org"] != "某某县教育局" && f["other_org"] != "某某县教育局"), "{v}");
    let foreign = flags.iter().find(|f| f["kind"] == "foreign").unwrap();
    assert!(foreign["detail"].as_str().unwrap().contains("不办人情案"));
    // the 纪委 marks one reviewed
    let id = foreign["id"].as_i64().unwrap();
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/duty/letter-flags/{id}/review"), json!({"note": "已要求重新签订"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["flag"]["status"], "reviewed");
    let (s, _) = app.send_json(Method::POST, &jw, &format!("/api/v1/duty/letter-flags/{id}/review"), json!({})).await;
    assert_eq!(s, 422);
    // a unit's staff cannot see the flags list
    let unit = app.token("dw_jyj").await;
    assert_eq!(app.get_json(&unit, "/api/v1/duty/letter-flags").await.0, 403);
});

both!(a_copied_letter_is_flagged_when_saved, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let source = letter_of(&app, &jw, "中共某某县人民政府办公室").await;
    let source = if source.is_null() { letter_of(&app, &jw, "某某县人民政府办公室").await } else { source };
    let target = letter_of(&app, &jw, "刘志强").await;
    assert!(!source.is_null() && !target.is_null());
    let copied = source["body"].as_str().unwrap().replace("某某县人民政府办公室", "某某县教育局");
    let (s, v) = app.send_json(Method::PUT, &jw, &format!("/api/v1/duty/letters/{}", target["id"]), json!({"body": copied, "version": target["version"]})).await;
    assert_eq!(s, 200, "{v}");
    let flags = v["flags"].as_array().unwrap();
    assert!(flags.iter().any(|f| f["kind"] == "duplicate" && (f["other_letter_id"] == source["id"] || f["letter_id"] == source["id"])), "{v}");
    // a stale edit is refused
    let (s, v) = app.send_json(Method::PUT, &jw, &format!("/api/v1/duty/letters/{}", target["id"]), json!({"body": "x", "version": target["version"]})).await;
    assert_eq!(s, 409, "{v}");
    // the comparison page highlights the shared passages
    let (c, _) = app.sign_in("jw_staff").await;
    let fid = flags.iter().find(|f| f["kind"] == "duplicate").unwrap()["id"].as_i64().unwrap();
    let html = c.get(app.url(&format!("/duty/flags/{fid}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.matches("<mark>").count() >= 2, "shared passages marked");
    // the whole year re-checked in one pass finds the same
    let n = lianzheng_store::duty::letters::check_year(&app.state.db, i64::from(lianzheng_web::pages::duty::current_year()), 0.7).await.unwrap();
    assert!(n >= 3, "{n}");
});

both!(signing_by_the_signer_only, |app: TestApp| async move {
    let sj = app.token("sj_jyj").await;
    let wang = letter_of(&app, &sj, "王建国").await;
    let liu = letter_of(&app, &sj, "刘志强").await;
    // 王建国 confirms his own letter, not 刘志强's
    let (s, v) = app.send_json(Method::POST, &sj, &format!("/api/v1/duty/letters/{}/sign", liu["id"]), json!({})).await;
    assert_eq!(s, 403, "{v}");
    assert!(v["message"].as_str().unwrap().contains("签订人刘志强本人"), "{v}");
    // his letter repeats last year's (an open 照抄往年 flag): signing asks for confirmation first
    let (s, v) = app.send_json(Method::POST, &sj, &format!("/api/v1/duty/letters/{}/sign", wang["id"]), json!({})).await;
    assert_eq!(s, 409, "{v}");
    assert!(v["message"].as_str().unwrap().contains("照抄往年"), "{v}");
    let (s, v) = app.send_json(Method::POST, &sj, &format!("/api/v1/duty/letters/{}/sign", wang["id"]), json!({"confirm_flag": true})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["letter"]["status"], "signed");
    // signed letters are closed for edits
    let jw = app.token("jw_staff").await;
    let (s, v) = app.send_json(Method::PUT, &jw, &format!("/api/v1/duty/letters/{}", wang["id"]), json!({"body": "改", "version": v["letter"]["version"]})).await;
    assert_eq!(s, 422, "{v}");
    // the unit's party staff uploads a signed scan for 刘志强
    let (c, csrf) = app.sign_in("dw_jyj").await;
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(b"%PDF-1.4 signed".to_vec()).file_name("责任书签字.pdf"));
    let r = c.post(app.url(&format!("/duty/letters/{}/scan?_csrf={csrf}", liu["id"]))).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let (_, v) = app.get_json(&sj, &format!("/api/v1/duty/letters/{}", liu["id"])).await;
    assert_eq!(v["letter"]["sign_method"], "scan");
    assert!(v["letter"]["scan_attachment_id"].is_i64());
    // need-to-know: a 一般干部 of the same unit does not read the 书记's letter
    let other = app.token("gb_jyj").await;
    assert_eq!(app.get_json(&other, &format!("/api/v1/duty/letters/{}", wang["id"])).await.0, 404, "the 书记's letter");
    let (_, v) = app.get_json(&app.token("dw_jyj").await, "/api/v1/duty/letters").await;
    assert!(v["items"].as_array().unwrap().iter().all(|l| l["org_name"].as_str().unwrap().contains("教育局")));
});

// The checks' own text, computed here independently of the store: a letter's shingles minus
// its template's and the year's published 共性 items' (all its shingles when fewer than 20
// remain), every pair compared exactly. The year check and letter-by-letter checks must both
// find exactly the pairs this finds (the LSH index only narrows which pairs are compared).
both!(checks_find_what_comparing_every_pair_finds, |app: TestApp| async move {
    use std::collections::{BTreeSet, HashMap, HashSet};

    use lianzheng_store::duty::letters::{check_letter, check_year};
    use lianzheng_store::q;
    use lianzheng_textsim::{jaccard, normalize, shingles};

    let db = &app.state.db;
    let year = i64::from(lianzheng_web::pages::duty::current_year());
    // more to find: near-copies of unit letters (under the template, and without one: then the
    // template's text counts as their own), letters that are only boilerplate, a foreign phrase
    let units: Vec<(i64, i64, i64, String, i64, String)> =
        db.fetch_all(q("SELECT id, template_id, org_id, org_path, upper_org_id, body FROM letters WHERE year = $1 AND person_id IS NULL AND template_id IS NOT NULL ORDER BY id").bind(year)).await.unwrap();
    // (the demo has three unit letters: only units with an accepted list get one)
    assert!(units.len() >= 3, "{}", units.len());
    let mut tx = db.begin().await.unwrap();
    for (k, (_, template_id, org_id, org_path, upper, body)) in units.iter().cycle().take(6).enumerate() {
        let (template_id, body) = match k % 3 {
            0 => (Some(*template_id), format!("{body}\n五、其他\n按季度向上级报告履行责任情况。")),
            1 => (None, body.replace("一、", "（一）")),
            _ => (Some(*template_id), format!("{body}\n严禁违规插手干预司法活动。")),
        };
        insert_letter(&mut tx, year, template_id, *upper, *org_id, org_path, body).await;
    }
    // only boilerplate (nothing of their own: compared whole), twice, and once with a few words added
    let (_, template_id, org_id, org_path, upper, _) = &units[0];
    let template: String = tx.fetch_one::<(String,)>(q("SELECT body FROM letter_templates WHERE id = $1").bind(*template_id)).await.unwrap().0;
    for body in [template.clone(), template.clone(), format!("{template}加强监督")] {
        insert_letter(&mut tx, year, Some(*template_id), *upper, *org_id, org_path, body).await;
    }
    tx.commit().await.unwrap();

    // the reference
    let letters: Vec<(i64, Option<i64>, String, String)> =
        db.fetch_all(q("SELECT l.id, l.template_id, l.body, o.name FROM letters l JOIN orgs o ON o.id = l.org_id WHERE l.year = $1 ORDER BY l.id").bind(year)).await.unwrap();
    let templates: HashMap<i64, String> = db.fetch_all::<(i64, String)>(q("SELECT id, body FROM letter_templates")).await.unwrap().into_iter().collect();
    let common: HashSet<u64> = db
        .fetch_all::<(String,)>(q("SELECT ti.content FROM duty_template_items ti JOIN duty_templates t ON t.id = ti.template_id WHERE t.year = $1 AND t.published = TRUE").bind(year))
        .await
        .unwrap()
        .iter()
        .flat_map(|(c,)| shingles(c))
        .collect();
    assert!(!common.is_empty());
    let own: Vec<Vec<u64>> = letters
        .iter()
        .map(|(_, tid, body, _)| {
            let template: HashSet<u64> = tid.and_then(|t| templates.get(&t)).map(|t| shingles(t).into_iter().collect()).unwrap_or_default();
            let all = shingles(body);
            let mine: Vec<u64> = all.iter().copied().filter(|s| !template.contains(s) && !common.contains(s)).collect();
            if mine.len() < 20 { all } else { mine }
        })
        .collect();
    let mut expected = BTreeSet::new();
    for i in 0..letters.len() {
        for j in i + 1..letters.len() {
            let s = jaccard(&own[i], &own[j]);
            if s >= 0.7 {
                expected.insert((letters[j].0, letters[i].0, (s * 1000.0).round() as i64));
            }
        }
    }
    assert!(expected.len() >= 4, "{expected:?}");
    let phrases: Vec<(i64, String, String)> = db.fetch_all(q("SELECT id, phrase, allowed_keywords FROM scope_phrases")).await.unwrap();
    let mut foreign = BTreeSet::new();
    for (id, _, body, org) in &letters {
        for (pid, phrase, allowed) in &phrases {
            if normalize(body).contains(&normalize(phrase)) && !allowed.split([',', '，', '、']).any(|k| !k.trim().is_empty() && org.contains(k.trim())) {
                foreign.insert((*id, *pid, 1000));
            }
        }
    }
    assert!(foreign.len() >= 3, "{foreign:?}");

    let flags = |kind: &'static str| async move {
        db.fetch_all::<(i64, i64, i64)>(q("SELECT letter_id, other_key, score_pm FROM letter_flags WHERE year = $1 AND kind = $2 AND status = 'open'").bind(year).bind(kind))
            .await
            .unwrap()
            .into_iter()
            .collect::<BTreeSet<_>>()
    };
    // the whole year in one pass
    check_year(db, year, 0.7).await.unwrap();
    assert_eq!(flags("duplicate").await, expected);
    assert_eq!(flags("foreign").await, foreign);
    // again, with every signature already stored: the same
    let n = check_year(db, year, 0.7).await.unwrap();
    assert_eq!(n, expected.len() + foreign.len());
    assert_eq!(flags("duplicate").await, expected);

    // letter by letter, from no signatures at all (as after the upgrade that introduced them)
    db.execute(q("DELETE FROM letter_signatures")).await.unwrap();
    db.execute(q("DELETE FROM letter_flags WHERE status = 'open'")).await.unwrap();
    for (id, ..) in &letters {
        check_letter(db, lianzheng_core::ids::LetterId::new(*id), 0.7).await.unwrap();
    }
    assert_eq!(flags("duplicate").await, expected);
    assert_eq!(flags("foreign").await, foreign);
    assert_eq!(flags("copied").await.len(), 1, "王建国's letter of last year");
    let stored = db.scalar_i64(q("SELECT COUNT(*) FROM letter_signatures WHERE year = $1").bind(year)).await.unwrap();
    assert_eq!(stored, letters.len() as i64);

    // whole-year and per-letter checks at the same time (they replace the same flags and
    // signatures in different orders: on PostgreSQL they once deadlocked) all succeed, and
    // leave the same flags
    db.execute(q("DELETE FROM letter_signatures")).await.unwrap();
    let ids: Vec<i64> = letters.iter().map(|(id, ..)| *id).collect();
    let mut set = tokio::task::JoinSet::new();
    for k in 0..3 {
        let db = db.clone();
        set.spawn(async move { check_year(&db, year, 0.7).await.map(|_| k) });
    }
    for id in ids.iter().rev() {
        let (db, id) = (db.clone(), *id);
        set.spawn(async move { check_letter(&db, lianzheng_core::ids::LetterId::new(id), 0.7).await });
    }
    for r in set.join_all().await {
        r.unwrap();
    }
    assert_eq!(flags("duplicate").await, expected);
    assert_eq!(flags("foreign").await, foreign);
});

/// A draft letter written straight into the table (the reference checks compare against it).
async fn insert_letter(tx: &mut lianzheng_store::Tx, year: i64, template_id: Option<i64>, upper: i64, org_id: i64, org_path: &str, body: String) {
    tx.execute(
        lianzheng_store::q("INSERT INTO letters (year, template_id, kind, upper_org_id, org_id, org_path, signer_name, title, body, status, created_at, updated_at) VALUES ($1, $2, 'responsibility', $3, $4, $5, '测试', '测试', $6, 'draft', 0, 0)")
            .bind(year)
            .bind(template_id)
            .bind(upper)
            .bind(org_id)
            .bind(org_path)
            .bind(body),
    )
    .await
    .unwrap();
}
