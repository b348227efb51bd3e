// 履责 — 述责述廉 in the browser: 王建国 (sj_jyj) submits his report on his phone from his
// 待办, the 纪委 (jw_staff) reads it with the copy check and adds a 点评 point, he answers it on
// his phone, the 纪委 closes it; the copied report of the year is flagged and shown side by
// side; a 一般干部 of his unit is refused his report. Screens at 1366 and 390 px, never wider
// than the screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, baseUrl, shot, signInAs, assertNoOverflow } from './lib.mjs';

const base = baseUrl();
const url = (p) => base + p;
let browser;

before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

const phone = { width: 390, height: 844 };

test('a 述责述廉 report, its 点评 answered and closed', { timeout: 180_000 }, async () => {
  // the reporter, on his phone: the 待办 leads to the list, the list to his report
  const me = (await signInAs(browser, 'sj_jyj', { viewport: phone })).page;
  await me.goto(url('/'));
  await me.locator('a', { hasText: '述责述廉报告' }).first().click();
  await me.waitForURL(/\/conduct\/statements/);
  await assertNoOverflow(me, 'the list on a phone');
  await shot(me, 'statements-01-list-phone');
  await me.locator('table.mine a').first().click();
  await me.waitForURL(/\/conduct\/statements\/reports\/\d+$/);
  const reportUrl = me.url();
  // an empty report is refused and nothing typed is lost
  await me.fill('#body', '   ');
  await me.click('form[action$="' + new URL(reportUrl).pathname + '"] button[type=submit]');
  assert.match(await me.locator('.field-error').first().innerText(), /报告内容/);
  const text = '本人认真履行全面从严治党第一责任人职责，全年主持召开局党组会议专题研究党风廉政建设四次，与班子成员开展廉政谈话十二人次。\n'
    + '对学校食堂、校服征订等重点环节开展专项检查，发现问题七个，已全部整改。\n'
    + '不足：对乡村学校经费使用的监督还不够经常，下一步建立季度通报制度。';
  await me.fill('#body', text);
  await assertNoOverflow(me, 'the report form on a phone');
  await shot(me, 'statements-02-report-form-phone');
  await Promise.all([me.waitForURL(reportUrl), me.click('form[action$="' + new URL(reportUrl).pathname + '"] button[type=submit]')]);
  assert.match(await me.locator('#toasts .toast').first().innerText(), /报送成功/);
  assert.match(await me.locator('.page-title').innerText(), /已提交/);

  // the 纪委: the report with its copy check, a 点评 point
  const jw = (await signInAs(browser, 'jw_staff')).page;
  await jw.goto(reportUrl);
  assert.match(await jw.locator('.card', { hasText: '雷同比对' }).innerText(), /同年其他报告/);
  await jw.fill('#content', '对乡村学校经费使用的监督要提出具体措施，明确责任股室。');
  await jw.check('#rectify');
  await jw.fill('#due_on', `${new Date().getFullYear() + 1}-03-31`);
  await Promise.all([jw.waitForURL(/#point-\d+$/), jw.click('form[action$="/points"] button[type=submit]')]);
  assert.match(await jw.locator('.card.point').last().innerText(), /待答复/);
  await shot(jw, 'statements-03-point-added');

  // the reporter answers it on his phone
  await me.goto(reportUrl);
  const point = me.locator('.card.point').last();
  await point.locator('textarea[name=measures]').fill('建立学校经费使用季度通报制度，由计划财务股牵头。');
  await point.locator('textarea[name=progress]').fill('第一季度通报已印发。');
  await assertNoOverflow(me, 'the answer form on a phone');
  await shot(me, 'statements-04-answer-phone');
  await Promise.all([me.waitForURL(/#point-\d+$/), point.locator('button[type=submit]').click()]);
  assert.match(await me.locator('.card.point').last().innerText(), /待销号/);
  assert.equal(await me.locator('.card.point').last().locator('form[action$="/close"]').count(), 0, 'he does not close his own');

  // the 纪委 closes it
  await jw.goto(reportUrl);
  await Promise.all([jw.waitForURL(/#point-\d+$/), jw.locator('.card.point').last().locator('form[action$="/close"] button').click()]);
  assert.match(await jw.locator('#toasts .toast').first().innerText(), /已销号/);
  assert.match(await jw.locator('.card.point').last().innerText(), /已销号/);

  // the round: the copied report is flagged, and shown side by side with its source
  await jw.goto(url('/conduct/statements'));
  await jw.locator('table.data a', { hasText: '下级党组织书记述责述廉' }).first().click();
  await jw.waitForURL(/\/conduct\/statements\/\d+$/);
  assert.ok(await jw.locator('td .tag-red', { hasText: '雷同' }).count() >= 2, 'the copy and its source');
  await shot(jw, 'statements-05-round');
  await jw.locator('tr', { has: jw.locator('.tag-red', { hasText: '雷同' }) }).first().locator('a').first().click();
  await jw.locator('a', { hasText: '对照查看' }).first().click();
  await jw.waitForURL(/\/conduct\/statements\/compare\/\d+\/\d+$/);
  assert.ok(await jw.locator('.letter-body mark').count() > 0, 'shared passages marked');
  await shot(jw, 'statements-06-compare');

  // a 一般干部 of his unit does not read his 书记's report
  const cadre = (await signInAs(browser, 'gb_jyj', { viewport: phone })).page;
  const r = await cadre.goto(reportUrl);
  assert.equal(r.status(), 403);
});
