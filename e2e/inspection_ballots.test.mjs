// 考责 — 廉政测评 in the browser: the 纪委 organiser opens the year's campaign, holds a 测评 meeting
// at 教育局 with three codes, and a phone (390 px, no account) opens the voting page of one
// code, rates every item, submits and is thanked; the same code again is refused in plain
// words; a made-up code is a Chinese 404. The organiser's live count shows the ballot. The
// voting page never sticks out sideways.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, baseUrl, shot, signInAs, assertNoOverflow, thisYear } from './lib.mjs';

const base = baseUrl();
const url = (p) => base + p;
let browser;

before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

const phone = { width: 390, height: 844 };

test('hold a 测评 meeting and vote on a phone', { timeout: 120_000 }, async () => {
  const jw = (await signInAs(browser, 'jw_staff', { acceptDialogs: true })).page;
  await jw.goto(url('/inspection/ballots'));
  await shot(jw, 'ballots-01-campaigns');
  await Promise.all([jw.waitForURL(/\/inspection\/ballots\/campaigns\/\d+$/), jw.locator('tr', { hasText: `${thisYear}年度党风廉政建设责任制落实情况检查考核` }).locator('a[href^="/inspection/ballots/campaigns/"]').first().click()]);
  // the demo meeting's rates are there
  assert.ok(await jw.locator('#ballot-results tbody tr').count() >= 1, 'rates per unit');
  await shot(jw, 'ballots-02-campaign');
  await jw.selectOption('#unit_id', { label: '某某县教育局' });
  await jw.fill('#count', '3');
  await Promise.all([jw.waitForURL(/\/inspection\/ballots\/meetings\/\d+$/), jw.click('form[action$="/meetings"] button[type=submit]')]);
  const meetingUrl = jw.url();
  assert.equal((await jw.locator('#ballot-used').innerText()).trim(), '0');
  await jw.locator('details.ballot-codes summary').click();
  const codes = await jw.locator('.code-list code').allInnerTexts();
  assert.equal(codes.length, 3);
  await shot(jw, 'ballots-03-meeting');

  // a phone, no account
  const ctx = await browser.newContext({ viewport: phone, locale: 'zh-CN' });
  const ph = await ctx.newPage();
  await ph.goto(url(`/ballot/${codes[0]}`));
  await assertNoOverflow(ph, 'voting page');
  const items = ph.locator('fieldset.ballot-item');
  const n = await items.count();
  assert.ok(n >= 3, `items: ${n}`);
  // submit with one item left out: the page says so and keeps the choices
  for (let i = 0; i < n - 1; i++) await items.nth(i).locator('label', { hasText: i % 3 === 1 ? '基本满意' : '满意' }).first().click();
  await ph.fill('#comment', '建议多开展警示教育');
  await ph.click('button[type=submit]');
  await ph.locator('.alert-error').waitFor();
  assert.equal(await ph.inputValue('#comment'), '建议多开展警示教育');
  assert.ok(await items.nth(0).locator('input:checked').count() === 1, 'choice kept');
  await shot(ph, 'ballots-04-phone-missing');
  await items.nth(n - 1).locator('label', { hasText: '不满意' }).click();
  await assertNoOverflow(ph, 'voting page filled');
  await shot(ph, 'ballots-05-phone-filled');
  await ph.click('button[type=submit]');
  await ph.locator('#ballot-message').waitFor();
  assert.match(await ph.locator('#ballot-message').innerText(), /投票成功/);
  await shot(ph, 'ballots-06-phone-thanks');
  // the same code again
  const again = await ph.goto(url(`/ballot/${codes[0]}`));
  assert.equal(again.status(), 409);
  assert.match(await ph.locator('#ballot-message').innerText(), /已经使用过/);
  // a made-up code
  const bad = await ph.goto(url('/ballot/ZZZZZZZZZZ'));
  assert.equal(bad.status(), 404);
  assert.match(await ph.locator('#ballot-message').innerText(), /测评码无效/);
  await assertNoOverflow(ph, 'refusal page');
  await ctx.close();

  // the organiser's count
  await jw.goto(meetingUrl);
  assert.equal((await jw.locator('#ballot-used').innerText()).trim(), '1');
  // the organiser's pages at phone width too
  await jw.setViewportSize(phone);
  await assertNoOverflow(jw, 'meeting page');
  await shot(jw, 'ballots-07-meeting-phone');
});
