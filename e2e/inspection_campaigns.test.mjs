// 考责 — the campaign in the browser: the 纪委 sets up a campaign (phases, units by kind, the
// notice issued with its 文号, a random spot check with its seed shown, a group with its visit),
// downloads the notice as Word; 教育局's 党务 clerk, on his phone, finds 自查自评 in his 待办 and
// sees his unit's part only (checklist, group, visit date), never the 个别谈话 records; the 纪委
// records one. Screens at 1366 and 390 px, never wider than the screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, baseUrl, shot, signInAs, assertNoOverflow } from './lib.mjs';

const base = baseUrl();
const url = (p) => base + p;
let browser;

before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

const phone = { width: 390, height: 844 };

test('a campaign from set-up to the unit on its phone', { timeout: 180_000 }, async () => {
  const jw = (await signInAs(browser, 'jw_staff', { viewport: { width: 1366, height: 900 } })).page;
  await jw.goto(url('/inspection'));
  await assertNoOverflow(jw, 'the list');
  const year = String(new Date().getFullYear() + 1);
  const title = `${year}年度责任制检查考核（浏览器测试${Date.now() % 100000}）`;
  await jw.fill('#year', year);
  await jw.fill('#title', title);
  await Promise.all([jw.waitForURL(/\/inspection\/\d+$/), jw.click('form[action="/inspection"] button[type=submit]')]);
  const campaignUrl = jw.url();
  const id = campaignUrl.match(/(\d+)$/)[1];
  assert.match(await jw.locator('#toasts .toast').first().innerText(), /已新建/);
  assert.match(await jw.locator('#campaign-status').innerText(), /准备中/);
  await shot(jw, 'inspection-01-draft');

  // the self-check's deadline (the second phase), saved with the rest of the form
  const ends = jw.locator('#edit-form input[name=phase_end]');
  const due = `${year}-12-01`;
  await ends.nth(1).fill(due);
  await Promise.all([jw.waitForURL(campaignUrl), jw.click('#edit-form button[type=submit]')]);
  assert.match(await jw.locator('#toasts .toast').first().innerText(), /已保存/);

  // units by kind: the 党组 departments of the county
  for (const box of await jw.locator('#units-form input[name=kinds]').all()) await box.uncheck();
  await jw.locator('#units-form input[name=kinds][value=party_group]').check();
  await Promise.all([jw.waitForURL(campaignUrl), jw.click('#units-form button[type=submit]')]);
  await jw.locator('#units a', { hasText: '某某县教育局' }).waitFor();

  // issued with its 文号
  assert.ok((await jw.inputValue('#doc_number')).includes('〔'), 'a 文号 is suggested');
  await jw.fill('#doc_number', `某纪发〔${year}〕9号`);
  await Promise.all([jw.waitForURL(campaignUrl), jw.click('#issue-form button[type=submit]')]);
  assert.match(await jw.locator('#campaign-status').innerText(), /进行中/);

  // a random spot check: the seed is shown
  await jw.locator('#spot-form input[name=rule][value=random]').check();
  await jw.fill('#count', '3');
  await jw.fill('#seed', '2026');
  await Promise.all([jw.waitForURL(campaignUrl), jw.click('#spot-form button[type=submit]')]);
  assert.match(await jw.locator('#spot-text').innerText(), /2026/);

  // a group that visits 教育局
  await jw.fill('#group-form #name', '第一检查组');
  const sun = await jw.locator('#leader_id option', { hasText: '孙正平' }).first().getAttribute('value');
  await jw.selectOption('#leader_id', sun);
  await jw.locator('#group-form label', { hasText: '陈立新' }).locator('input').check();
  await jw.locator('#group-form label', { hasText: '某某县教育局' }).locator('input').check();
  await jw.fill('#group-form #visit_on', `${year}-12-08`);
  await Promise.all([jw.waitForURL(campaignUrl), jw.click('#group-form button[type=submit]')]);
  assert.match(await jw.locator('.group').first().innerText(), /孙正平/);
  await assertNoOverflow(jw, 'the campaign');
  await shot(jw, 'inspection-02-open');

  // the notice as a 公文
  const r = await jw.request.get(url(`/inspection/${id}/notice.docx`));
  assert.equal(r.status(), 200);
  assert.equal((await r.body()).subarray(0, 2).toString(), 'PK');

  // 教育局's clerk on his phone: 待办 → his unit's part
  const dw = (await signInAs(browser, 'dw_jyj', { viewport: phone })).page;
  await dw.goto(url('/'));
  const item = dw.locator(`a[href^="/inspection/units/"]`, { hasText: '自查自评' });
  assert.ok(await item.count() >= 1, 'the self-check in his 待办');
  await dw.goto(url(`/inspection/${id}`));
  const rows = await dw.locator('#units tbody tr').count();
  assert.equal(rows, 1, 'his own unit only');
  await Promise.all([dw.waitForURL(/\/inspection\/units\/\d+$/), dw.locator('#units a').first().click()]);
  const unitUrl = dw.url();
  assert.match(await dw.locator('#unit-group').innerText(), /第一检查组/);
  assert.match(await dw.locator('#unit-visit').innerText(), new RegExp(`${year}-12-08`));
  assert.equal(await dw.locator('#materials li').count(), 7, 'the seven kinds of materials');
  assert.equal(await dw.locator('#talks').count(), 0, 'no 个别谈话 for the unit');
  await assertNoOverflow(dw, 'the unit on a phone');
  await shot(dw, 'inspection-03-unit-phone');

  // the 纪委 enters a 个别谈话 record handed in by the group; the unit never sees it
  await jw.goto(unitUrl);
  await jw.fill('#person_name', '刘志强');
  await jw.fill('#person_post', '副局长');
  await jw.fill('#record', '反映财务报销审核把关不严，建议完善报销审批流程。');
  await Promise.all([jw.waitForURL(/\/inspection\/talks\/\d+$/), jw.click('#talk-form button[type=submit]')]);
  const talkUrl = jw.url();
  assert.match(await jw.locator('#talk-record').innerText(), /报销审核/);
  await shot(jw, 'inspection-04-talk');
  const resp = await dw.goto(talkUrl);
  assert.equal(resp.status(), 403);
});
