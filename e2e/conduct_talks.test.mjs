// 履责 — 廉政约谈 in the browser: the unit's 党务 clerk records the 书记's individual talk with a
// cadre; the cadre signs in on a phone, finds it in her 待办, reads and confirms it; the record
// is then locked (no 修改). Screens at 1366 and 390 px, never wider than the screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, baseUrl, shot, signInAs, assertNoOverflow } from './lib.mjs';

const base = baseUrl();
const url = (p) => base + p;
let browser;

before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

const phone = { width: 390, height: 844 };

/// The 待办 count of a kind on the home page (0 when absent).
async function todoCount(page, label) {
  await page.goto(url('/'));
  const item = page.locator('a', { hasText: label }).first();
  if (await item.count() === 0) return 0;
  const m = (await item.innerText()).match(/(\d+)/);
  return m ? Number(m[1]) : 0;
}

test('record a talk, the interviewee confirms it on a phone', { timeout: 120_000 }, async () => {
  const clerk = (await signInAs(browser, 'dw_jyj', { acceptDialogs: true })).page;
  await clerk.goto(url('/conduct/talks/new'));
  await clerk.selectOption('#talker_id', { label: await clerk.locator('#talker_id option', { hasText: '王建国' }).first().innerText() });
  await clerk.locator('#interviewees label', { hasText: '赵晓燕' }).first().locator('input').check();
  await clerk.selectOption('#occasion', 'routine');
  await clerk.locator('label.check', { hasText: '廉政要求' }).locator('input').check();
  await clerk.fill('#place', '局党组书记办公室');
  await clerk.fill('#content', '王建国同志与赵晓燕同志进行廉政谈话，要求严格执行中央八项规定精神，管好财务报销审核关口。');
  await Promise.all([clerk.waitForURL(/\/conduct\/talks\/\d+$/), clerk.click('form.form button[type=submit]')]);
  const talkUrl = clerk.url();
  assert.match(await clerk.locator('.page-title').innerText(), /1 人待确认/);
  await shot(clerk, 'talks-01-recorded');

  const cadre = (await signInAs(browser, 'gb_jyj', { viewport: phone, acceptDialogs: true })).page;
  const waiting = await todoCount(cadre, '待确认的约谈记录');
  assert.ok(waiting >= 1, 'the talk waits in her 待办');
  await assertNoOverflow(cadre, 'home with the 待办');
  await cadre.goto(talkUrl);
  await assertNoOverflow(cadre, 'the talk on a phone');
  await shot(cadre, 'talks-02-to-confirm-phone');
  await Promise.all([cadre.waitForURL(talkUrl), cadre.click('form[action$="/confirm"] button')]);
  assert.match(await cadre.locator('.page-title').innerText(), /已确认/);
  assert.equal(await todoCount(cadre, '待确认的约谈记录'), waiting - 1, 'it leaves her 待办');
  await cadre.goto(talkUrl);
  await shot(cadre, 'talks-03-confirmed-phone');

  // confirmed: the text is locked for the clerk
  await clerk.reload();
  assert.equal(await clerk.locator(`a[href$="/edit"]`).count(), 0, 'no 修改 after confirmation');
  await clerk.goto(url('/conduct/talks'));
  await assertNoOverflow(clerk, 'the talks list');
});
