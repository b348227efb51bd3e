// 履责 — 谈话函询 in the browser: the 纪委 opens a 函询 to a person found by pinyin, the
// person answers it on his phone from his 待办, the 纪委 concludes it; a 一般干部 of the same
// unit is refused the record. Screens at 1366 and 390 px, never wider than the screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, baseUrl, shot, signInAs, assertNoOverflow } from './lib.mjs';

const base = baseUrl();
const url = (p) => base + p;
let browser;

before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

const phone = { width: 390, height: 844 };

test('a 函询 from the 纪委 to the person and back', { timeout: 120_000 }, async () => {
  const jw = (await signInAs(browser, 'jw_staff')).page;
  await jw.goto(url('/conduct/inquiries'));
  await jw.click('a[href="/conduct/inquiries/new"]');
  // find 刘志强 (bz_jyj's person) by pinyin initials
  await jw.fill('input[name="q"]', 'lzq');
  await Promise.all([jw.waitForURL(/q=lzq/), jw.click('form[action="/conduct/inquiries/new"] button')]);
  await Promise.all([jw.waitForURL(/person=\d+/), jw.locator('.pick-list a', { hasText: '刘志强' }).first().click()]);
  await jw.selectOption('#kind', 'letter');
  await jw.fill('#matter', '反映其分管的学生营养餐配送合同续签未经集体研究。');
  await jw.fill('#source', '信访举报');
  await shot(jw, 'inquiries-01-new');
  await Promise.all([jw.waitForURL(/\/conduct\/inquiries\/\d+$/), jw.click('form[action="/conduct/inquiries"] button[type=submit]')]);
  const recordUrl = jw.url();
  assert.match(await jw.locator('#toasts .toast').first().innerText(), /已新建/);
  assert.match(await jw.locator('.card').first().innerText(), /个工作日/, 'the reply limit counted in 工作日');
  await shot(jw, 'inquiries-02-record');

  // the person, on his phone: the 待办 leads to the record; he answers
  const me = (await signInAs(browser, 'bz_jyj', { viewport: phone })).page;
  await me.goto(url('/'));
  const todo = me.locator('a', { hasText: '待本人回复的函询' }).first();
  await todo.click();
  await me.locator('table.data a', { hasText: '刘志强' }).first().waitFor();
  await me.goto(recordUrl);
  await assertNoOverflow(me, 'the record on a phone');
  await me.fill('#reply', '合同续签经局党组会研究，附会议纪要。');
  await Promise.all([me.waitForURL(recordUrl), me.click('form[action$="/reply"] button')]);
  assert.match(await me.locator('#toasts .toast').first().innerText(), /回复已登记/);
  assert.match(await me.locator('.card').nth(1).innerText(), /合同续签经局党组会研究/);
  assert.equal(await me.locator('form[action$="/conclude"]').count(), 0, 'he does not conclude his own');
  await shot(me, 'inquiries-03-replied-phone');
  await me.goto(url('/conduct/inquiries'));
  await assertNoOverflow(me, 'the list as cards');
  await shot(me, 'inquiries-04-list-phone');

  // the 纪委 concludes it
  await jw.goto(recordUrl);
  await jw.selectOption('#conclusion', 'accepted');
  await jw.fill('#follow_up', '说明属实，予以采信。');
  await Promise.all([jw.waitForURL(recordUrl), jw.click('form[action$="/conclude"] button')]);
  assert.match(await jw.locator('.page-title').innerText(), /采信说明/);

  // a 一般干部 of the same unit is refused the record
  const cadre = (await signInAs(browser, 'gb_jyj', { viewport: phone })).page;
  const r = await cadre.goto(recordUrl);
  assert.equal(r.status(), 403);
  await assertNoOverflow(cadre, 'the 403 page');
});
