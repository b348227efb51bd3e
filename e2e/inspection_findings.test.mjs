// 考责 — findings and the 通报 in the browser: the 纪委 records a problem found at 教育局 in the
// demo campaign (a form error keeps what was typed), tells the unit (反馈), notes a 亮点, drafts
// the 通报 from the records (the problems grouped by category with the units named), edits and
// issues it with its 文号 and downloads the Word file; 教育局's 党务 clerk, on his phone, finds
// the 整改 in his 待办 and reads the finding and the issued 通报. Screens at 1366 and 390 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, baseUrl, shot, signInAs, assertNoOverflow, thisYear } from './lib.mjs';

const base = baseUrl();
const url = (p) => base + p;
let browser;

before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

const phone = { width: 390, height: 844 };

test('a finding told to the unit and the 通报 drafted, issued and read', { timeout: 180_000 }, async () => {
  const jw = (await signInAs(browser, 'jw_staff', { viewport: { width: 1366, height: 900 }, acceptDialogs: true })).page;
  await jw.goto(url('/inspection'));
  // the demo campaign (open, over the county)
  await Promise.all([jw.waitForURL(/\/inspection\/\d+$/), jw.locator('table a[href^="/inspection/"]', { hasText: `${thisYear}年度党风廉政建设责任制落实情况检查考核` }).first().click()]);
  const id = jw.url().match(/(\d+)$/)[1];
  await Promise.all([jw.waitForURL(url(`/inspection/${id}/findings`)), jw.click('#findings-link')]);
  assert.ok(await jw.locator('#findings tbody tr').count() >= 3, "the demo's findings at 组织部");

  // a form error keeps what was typed
  const text = '班子成员均未对分管领域的党风廉政工作进行安排部署（浏览器测试）';
  await jw.fill('#description', text);
  await jw.click('#finding-form button[type=submit]');
  assert.match(await jw.locator('.alert-error').innerText(), /请选择/);
  assert.equal(await jw.inputValue('#description'), text, 'nothing typed is lost');
  const jyj = await jw.locator('#unit_id option', { hasText: '某某县教育局' }).first().getAttribute('value');
  await jw.selectOption('#unit_id', jyj);
  await jw.selectOption('#category', '一岗双责履行不到位');
  await jw.fill('#evidence', '查阅班子会议记录，无分管领域部署内容。');
  await Promise.all([jw.waitForURL(/\/inspection\/findings\/\d+$/), jw.click('#finding-form button[type=submit]')]);
  const findingUrl = jw.url();
  assert.match(await jw.locator('#finding-status').innerText(), /未反馈/);
  await shot(jw, 'findings-01-finding');
  await Promise.all([jw.waitForURL(findingUrl), jw.click('#notify-form button[type=submit]')]);
  assert.match(await jw.locator('#toasts .toast').first().innerText(), /已反馈/);
  assert.match(await jw.locator('#finding-status').innerText(), /已反馈/);

  // a 亮点
  await jw.goto(url(`/inspection/${id}/findings`));
  await jw.selectOption('#h_unit_id', jyj);
  await jw.fill('#h_text', '编印廉政口袋书发放全体党员干部');
  await Promise.all([jw.waitForURL(/\/findings/), jw.click('#highlight-form button[type=submit]')]);
  assert.match(await jw.locator('#highlights').innerText(), /口袋书/);
  assert.match(await jw.locator('#by-category').innerText(), /一岗双责履行不到位/);
  await assertNoOverflow(jw, 'the findings');
  await shot(jw, 'findings-02-list');

  // the 通报: drafted from the records, edited, issued
  await jw.goto(url(`/inspection/${id}/bulletin`));
  if (await jw.locator('#draft-form').count()) {
    await Promise.all([jw.waitForURL(url(`/inspection/${id}/bulletin`)), jw.click('#draft-form button[type=submit]')]);
  } else {
    await Promise.all([jw.waitForURL(url(`/inspection/${id}/bulletin`)), jw.click('#redraft-form button[type=submit]')]);
  }
  const problems = await jw.inputValue('#problems');
  assert.match(problems, /^（一）/);
  assert.match(problems, /一岗双责履行不到位/);
  assert.match(problems, /某某县教育局：班子成员均未对分管领域/);
  assert.match(await jw.inputValue('#highlights'), /某某县教育局编印廉政口袋书/);
  assert.match(await jw.inputValue('#overview'), /发现问题\d+个，涉及\d+个单位/);
  await jw.fill('#requirements', (await jw.inputValue('#requirements')) + '\n四要举一反三。');
  await Promise.all([jw.waitForURL(url(`/inspection/${id}/bulletin`)), jw.click('#bulletin-form button[type=submit]')]);
  assert.match(await jw.inputValue('#requirements'), /四要举一反三/);
  await assertNoOverflow(jw, 'the bulletin draft');
  await shot(jw, 'findings-03-bulletin-draft');
  await jw.fill('#doc_number', '某纪通〔2026〕7号');
  await Promise.all([jw.waitForURL(url(`/inspection/${id}/bulletin`)), jw.click('#bulletin-issue button[type=submit]')]);
  assert.match(await jw.locator('#bulletin-status').innerText(), /已印发/);
  const r = await jw.request.get(url(`/inspection/${id}/bulletin.docx`));
  assert.equal(r.status(), 200);
  assert.equal((await r.body()).subarray(0, 2).toString(), 'PK');

  // 教育局's clerk on his phone: the 整改 in his 待办, the finding, the 通报
  const dw = (await signInAs(browser, 'dw_jyj', { viewport: phone })).page;
  await dw.goto(url('/'));
  const item = dw.locator('a[href^="/inspection/"]', { hasText: '检查发现问题整改' });
  assert.ok(await item.count() >= 1, 'the 整改 in his 待办');
  await dw.goto(findingUrl);
  assert.match(await dw.locator('#finding-description').innerText(), /班子成员均未对分管领域/);
  assert.equal(await dw.locator('#finding-edit').count(), 0, 'the unit reads, never edits');
  await assertNoOverflow(dw, 'the finding on a phone');
  await shot(dw, 'findings-04-unit-phone');
  await dw.goto(url(`/inspection/${id}/bulletin`));
  assert.match(await dw.locator('#bulletin-text').innerText(), /四要举一反三/);
  await assertNoOverflow(dw, 'the 通报 on a phone');
  await shot(dw, 'findings-05-bulletin-phone');
});
