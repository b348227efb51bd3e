// 履责 — 抄告单 in the browser: the 纪委 issues a 抄告单 to 刘志强 (bz_jyj), chosen among the
// unit's leaders with his 分管 suggested; he answers it on his phone from his 待办; the 纪委
// closes it. Screens at 1366 and 390 px, never wider than the screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, baseUrl, shot, signInAs, assertNoOverflow } from './lib.mjs';

const base = baseUrl();
const url = (p) => base + p;
let browser;

before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

const phone = { width: 390, height: 844 };

test('a 抄告单 from the 纪委 to the leader and back', { timeout: 120_000 }, async () => {
  const jw = (await signInAs(browser, 'jw_staff', { viewport: { width: 1366, height: 900 } })).page;
  await jw.goto(url('/conduct/notices'));
  await assertNoOverflow(jw, 'the list');
  await shot(jw, 'notices-01-list');
  await jw.click('a[href="/conduct/notices/new"]');
  await jw.selectOption('#kind', 'cc');
  await jw.selectOption('#org_id', { label: '某某县教育局' });
  await jw.fill('#subject', '学生资助资金发放审核不严');
  await jw.fill('#problem', '部分学校学生资助资金发放名单未经公示，个别学生重复享受资助。\n资助台账与财务账不一致。');
  // nothing typed is lost when the leaders are listed (a GET of the same form)
  await Promise.all([jw.waitForURL(/org_id=\d+/), jw.click('button[formaction="/conduct/notices/new"]')]);
  assert.equal(await jw.inputValue('#subject'), '学生资助资金发放审核不严');
  const liu = jw.locator('.leader-list li', { hasText: '刘志强' });
  assert.match(await liu.innerText(), /建议/, 'his 分管 (财务) is named in the problem');
  await liu.locator('input[type=radio]').check();
  await jw.fill('#request', '请督促各学校对资助名单逐一复核并公示，追回重复发放资金。');
  await jw.fill('#due_days', '10');
  await shot(jw, 'notices-02-new');
  await Promise.all([jw.waitForURL(/\/conduct\/notices\/\d+$/), jw.click('form[action="/conduct/notices"] button[type=submit]:not([formaction])')]);
  const noticeUrl = jw.url();
  assert.match(await jw.locator('#toasts .toast').first().innerText(), /已新建/);
  assert.match(await jw.locator('.page-title').innerText(), /某纪抄〔\d{4}〕\d+号/);
  assert.match(await jw.locator('.card').first().innerText(), /10个工作日/);
  await shot(jw, 'notices-03-issued');

  // the leader, on his phone: the 待办 leads to it; he answers
  const me = (await signInAs(browser, 'bz_jyj', { viewport: phone })).page;
  await me.goto(url('/'));
  await me.locator('a', { hasText: '待本人反馈的抄告单' }).first().click();
  await me.locator('table.data a').first().waitFor();
  await assertNoOverflow(me, 'his list as cards');
  await shot(me, 'notices-04-list-phone');
  await me.goto(noticeUrl);
  await assertNoOverflow(me, 'the notice on a phone');
  await shot(me, 'notices-05-answer-phone');
  // an empty answer is refused, nothing else lost
  await me.click('form[action*="/reports"] button');
  await me.locator('.field-error').first().waitFor();
  assert.match(await me.locator('.field-error').first().innerText(), /整改措施/);
  await me.fill('#measures', '已组织各学校对资助名单逐一复核并重新公示，重复发放的2名学生资金已追回。');
  await Promise.all([me.waitForURL(noticeUrl), me.click('form[action*="/reports"] button')]);
  assert.match(await me.locator('#toasts .toast').first().innerText(), /已反馈/);
  assert.match(await me.locator('.page-title').innerText(), /已反馈/);
  assert.equal(await me.locator('form[action$="/close"]').count(), 0, 'he does not close his own');
  await shot(me, 'notices-06-answered-phone');

  // the 纪委 closes it
  await jw.goto(noticeUrl);
  await Promise.all([jw.waitForURL(noticeUrl), jw.click('form[action$="/close"] button')]);
  assert.match(await jw.locator('#toasts .toast').first().innerText(), /已办结/);
  assert.match(await jw.locator('.page-title').innerText(), /已办结/);
  await shot(jw, 'notices-07-closed');

  // a 一般干部 of the same unit is refused it
  const cadre = (await signInAs(browser, 'gb_jyj', { viewport: phone })).page;
  const r = await cadre.goto(noticeUrl);
  assert.equal(r.status(), 403);
});

test('发抄告单 from a talk opens the new notice with the talk named as its source', { timeout: 60_000 }, async () => {
  const jw = (await signInAs(browser, 'jw_staff', { viewport: { width: 1366, height: 900 } })).page;
  await jw.goto(url('/conduct/talks'));
  await jw.locator('table.data a[href^="/conduct/talks/"]').first().click();
  await jw.waitForURL(/\/conduct\/talks\/\d+$/);
  const talkId = jw.url().match(/(\d+)$/)[1];
  await Promise.all([jw.waitForURL(/\/conduct\/notices\/new\?/), jw.locator('.page-actions a', { hasText: '发抄告单' }).click()]);
  assert.match(jw.url(), new RegExp(`source_kind=talk&source_id=${talkId}`));
  assert.match(await jw.locator('main').innerText(), /约谈/, 'the source is named on the form');
  assert.notEqual(await jw.inputValue('#org_id'), '', "the talk's unit is chosen");
  await shot(jw, 'notices-07-from-talk');
  // a 一般干部 reading his own talk gets no such button
  const gb = (await signInAs(browser, 'gb_jyj', { viewport: phone })).page;
  await gb.goto(url(`/conduct/talks/${talkId}`));
  assert.equal(await gb.locator('.page-actions a', { hasText: '发抄告单' }).count(), 0);
});
