// 考责 — the self-check in the browser: 教育局's 党务 clerk (dw_jyj) opens 自查自评 from his 待办,
// drafts the report from his unit's records with one button, follows a figure's link to the
// records behind it, edits the text, fills the 八项规定 table, and submits; then on his phone the
// report reads back, submitted and read-only. Screens at 1366 and 390 px, never wider than the screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, baseUrl, shot, signInAs, assertNoOverflow } from './lib.mjs';

const base = baseUrl();
const url = (p) => base + p;
let browser;

before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

test('a unit drafts its self-check from its records and submits it', { timeout: 180_000 }, async () => {
  const dw = (await signInAs(browser, 'dw_jyj', { viewport: { width: 1366, height: 900 } })).page;
  await dw.goto(url('/'));
  // the demo campaign's item (other browser tests add campaigns of their own, named 测试)
  const item = dw.locator('a[href^="/inspection/units/"]', { hasText: '自查自评', hasNotText: '测试' }).first();
  await Promise.all([dw.waitForURL(/\/inspection\/units\/\d+$/), item.click()]);
  const unitUrl = dw.url();
  await Promise.all([dw.waitForURL(/\/selfcheck$/), dw.click('#open-selfcheck')]);
  const reportUrl = dw.url();
  assert.match(await dw.locator('#selfcheck-status').innerText(), /未开始|草稿/);

  // one button: the four parts filled, every figure a link
  await Promise.all([dw.waitForURL(reportUrl), dw.click('#generate')]);
  assert.match(await dw.locator('#toasts .toast').first().innerText(), /已生成/);
  const figure = dw.locator('#report a.figure[data-key=records_total]').first();
  const n = Number(await figure.innerText());
  assert.ok(n > 0, 'the unit has 纪实 records this year');
  assert.ok(await dw.locator('#figures a.figure').count() >= 20, 'the figures, each a link');
  await assertNoOverflow(dw, 'the drafted report');
  await shot(dw, 'selfcheck-01-draft');

  // the figure's link opens the records behind it, filtered to the unit and year
  await Promise.all([dw.waitForURL(/\/conduct\/records\?year=\d+&org=\d+/), figure.click()]);
  assert.ok((await dw.locator('table.data tbody tr').count()) >= 1, 'the records behind the figure');
  await shot(dw, 'selfcheck-02-records');
  await dw.goto(reportUrl);

  // the text is the unit's to edit; the figures stay links
  const problems = dw.locator('#report-form #problems');
  await problems.fill(`${await problems.inputValue()}\n（浏览器测试）财务报销审核把关不严。`);
  await Promise.all([dw.waitForURL(reportUrl), dw.click('#save')]);
  assert.match(await dw.locator('#part-problems').innerText(), /财务报销审核把关不严/);
  assert.equal(await dw.locator('#report a.figure[data-key=records_total]').first().innerText(), String(n));

  // the 八项规定 table: an amount without its count is refused with the figures kept
  await dw.goto(unitUrl.replace(/$/, '/frugality'));
  await dw.fill('#reception_amount', '1280');
  await Promise.all([dw.waitForURL(/\/frugality$/), dw.click('#save-frugality')]);
  assert.match(await dw.locator('.alert-error').innerText(), /批次/);
  assert.equal(await dw.inputValue('#reception_amount'), '1280');
  await dw.fill('#reception_batches', '2');
  await dw.fill('#reception_people', '9');
  await Promise.all([dw.waitForURL(/\/frugality$/), dw.click('#save-frugality')]);
  assert.match(await dw.locator('#toasts .toast').first().innerText(), /已保存/);
  const x = await dw.request.get(unitUrl + '/frugality.xlsx');
  assert.equal(x.status(), 200);
  assert.equal((await x.body()).subarray(0, 2).toString(), 'PK');
  await assertNoOverflow(dw, 'the 八项规定 table');
  await shot(dw, 'selfcheck-03-frugality');

  // submitted: read-only for the unit
  await dw.goto(reportUrl);
  await Promise.all([dw.waitForURL(reportUrl), dw.click('#submit')]);
  assert.match(await dw.locator('#selfcheck-status').innerText(), /已提交/);
  assert.equal(await dw.locator('#report-form').count(), 0, 'no more editing');

  // on his phone
  const phone = (await signInAs(browser, 'dw_jyj', { viewport: { width: 390, height: 844 } })).page;
  await phone.goto(reportUrl);
  assert.match(await phone.locator('#selfcheck-status').innerText(), /已提交/);
  await assertNoOverflow(phone, 'the report on a phone');
  await shot(phone, 'selfcheck-04-phone');
  await phone.goto(unitUrl + '/materials');
  await assertNoOverflow(phone, 'the materials on a phone');
  await shot(phone, 'selfcheck-05-materials-phone');
});
