// 履责 — 廉政档案 in the browser: 赵晓燕 (gb_jyj) reports her wedding on a 390 px phone from
// 我的廉政档案 (25 桌: over the limit of 20), sees the flag; the 纪委 (jw_staff) finds her by
// pinyin in 廉政档案, opens her file and sees the report flagged with its reason; a colleague
// is refused her file. Screens at 1366 and 390 px, never wider than the screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, baseUrl, shot, signInAs, assertNoOverflow } from './lib.mjs';

const base = baseUrl();
const url = (p) => base + p;
let browser;

before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

const phone = { width: 390, height: 844 };

/// YYYY-MM-DD, `days` from today in China.
function day(days) {
  const d = new Date(Date.now() + days * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

test('a 婚丧喜庆 report from the phone to the 纪委\'s reading of the file', { timeout: 120_000 }, async () => {
  const me = (await signInAs(browser, 'gb_jyj', { viewport: phone })).page;
  await me.goto(url('/conduct'));
  await Promise.all([me.waitForURL(/\/conduct\/archive\/mine$/), me.locator('a[href="/conduct/archive/mine"]').first().click()]);
  assert.match(await me.locator('h1').innerText(), /我的廉政档案/);
  await assertNoOverflow(me, 'her own file on a phone');
  await shot(me, 'archive-01-mine-phone');
  await Promise.all([me.waitForURL(/family-events\/new/), me.locator('a[href="/conduct/archive/family-events/new"]').first().click()]);
  await me.selectOption('#kind', 'wedding_self');
  await me.fill('#event_date', day(20));
  await me.fill('#tables', '25');
  await me.fill('#guests', '180');
  await me.fill('#venue', '县城锦华大酒店');
  await me.fill('#cost', '60000');
  await assertNoOverflow(me, 'the form on a phone');
  await shot(me, 'archive-02-form-phone');
  await Promise.all([me.waitForURL(/\/conduct\/archive\/family-events\/\d+$/), me.click('form[action="/conduct/archive/family-events"] button[type=submit]')]);
  const reportUrl = me.url();
  assert.match(await me.locator('#toasts .toast').first().innerText(), /报送成功/);
  assert.match(await me.locator('.page-title').innerText(), /存在问题/);
  assert.match(await me.locator('.card').first().innerText(), /超过上限 20 桌/);
  await assertNoOverflow(me, 'the report on a phone');
  await shot(me, 'archive-03-report-phone');

  // the 纪委 finds her and opens her file
  const jw = (await signInAs(browser, 'jw_staff')).page;
  await jw.goto(url('/conduct/archive'));
  await jw.fill('input[name="q"]', 'zxy');
  await Promise.all([jw.waitForURL(/q=zxy/), jw.click('form[action="/conduct/archive"] button')]);
  const row = jw.locator('table.data tr', { hasText: '赵晓燕' }).first();
  assert.match(await row.innerText(), /存在问题/, 'the list counts her flagged report');
  await shot(jw, 'archive-04-list');
  await Promise.all([jw.waitForURL(/\/conduct\/archive\/\d+$/), row.locator('a', { hasText: '赵晓燕' }).click()]);
  const fileUrl = jw.url();
  const family = jw.locator('#family_events');
  assert.match(await family.innerText(), /操办本人结婚/);
  assert.match(await family.innerText(), /存在问题/);
  assert.match(await family.innerText(), /超出规模：计划宴请 25 桌，超过上限 20 桌/);
  assert.match(await jw.locator('#summary').innerText(), /问题提示 1/);
  await shot(jw, 'archive-05-file');
  // the entry leads to the report, where the 纪委 asks for an explanation
  await Promise.all([jw.waitForURL(reportUrl), family.locator('a', { hasText: '操办本人结婚' }).first().click()]);
  await jw.selectOption('#review', 'explain');
  await jw.fill('#r_note', '请说明宴请桌数超过规定的原因。');
  await Promise.all([jw.waitForURL(reportUrl), jw.click('form[action$="/review"] button')]);
  assert.match(await jw.locator('.card', { hasText: '纪委审阅' }).innerText(), /需说明/);
  await jw.goto(fileUrl + '/print');
  await shot(jw, 'archive-06-print');

  // the file on a phone (the 纪委's), as cards
  const jwPhone = (await signInAs(browser, 'jw_staff', { viewport: phone })).page;
  await jwPhone.goto(fileUrl);
  await assertNoOverflow(jwPhone, 'the file on a phone');
  await shot(jwPhone, 'archive-07-file-phone');

  // a colleague of hers is refused her file
  const colleague = (await signInAs(browser, 'bz_jyj', { viewport: phone })).page;
  const r = await colleague.goto(fileUrl);
  assert.equal(r.status(), 403);
});
