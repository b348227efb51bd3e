// 履责纪实 on a phone: the 教育局's party clerk records a 党组会专题研究 with participants
// (people picker) at 390 px without sideways overflow, sees it on the record page and counted
// on the 履责 概览, and the count links back to the record.
// Run: BASE_URL=http://127.0.0.1:8080 [SHOT_DIR=/tmp/shots] node --test conduct_records.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, baseUrl, shot, signInAs, assertNoOverflow, thisYear } from './lib.mjs';

const TIMEOUT = 15_000;
const url = (p) => baseUrl() + p;
const TITLE = `浏览器测试：党组会专题研究党风廉政建设 ${Date.now()}`;

let browser;
const pageErrors = [];

before(async () => {
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
});

/** The number in the 概览's 党组会专题研究 row, 全年 column. */
async function groupStudyTotal(page) {
  const row = page.locator('table.conduct-kinds tr', { hasText: '党组会专题研究' }).first();
  return Number((await row.locator('td').last().innerText()).trim());
}

test('履责纪实: a unit clerk records a 党组会专题研究 on a phone and sees it counted', { timeout: 120_000 }, async () => {
  const { context, page } = await signInAs(browser, 'dw_jyj', { viewport: { width: 390, height: 844 }, timeout: TIMEOUT, pageErrors });

  let res = await page.goto(url(`/conduct?year=${thisYear}`));
  assert.equal(res.status(), 200);
  await assertNoOverflow(page, '履责概览');
  await shot(page, 'conduct-00-overview-390');
  const before = await groupStudyTotal(page);

  await Promise.all([page.waitForURL(/\/conduct\/records\/new$/), page.locator('.page-actions a', { hasText: '新增纪实' }).click()]);
  await assertNoOverflow(page, '新增纪实');
  await page.selectOption('#kind', 'meeting');
  await page.selectOption('#sub_kind', 'group_study');
  await page.fill('#title', TITLE);
  await page.fill('#place', '局三楼会议室');
  await page.fill('#leader', '王建国（党组书记）');
  // the people picker: filter by name, tick two people
  const picker = page.locator('.people-picker');
  const search = picker.locator('input.up-search');
  await search.fill('刘志强');
  await picker.locator('label.up-item:visible', { hasText: '刘志强' }).first().click();
  await search.fill('赵晓燕');
  await picker.locator('label.up-item:visible', { hasText: '赵晓燕' }).first().click();
  await search.fill('');
  assert.equal(await page.locator('input[name="participants"]:checked').count(), 2, 'two participants ticked');
  await page.fill('#content', '传达上级纪委全会精神，研究部署本季度党风廉政建设工作。');
  await page.fill('#decisions', '班子成员按分工开展专项检查。');
  await assertNoOverflow(page, '新增纪实（已填写）');
  await shot(page, 'conduct-01-form-390');
  await Promise.all([page.waitForURL(/\/conduct\/records\/\d+$/), page.locator('form.conduct-form button[type=submit]').click()]);
  const recordPath = new URL(page.url()).pathname;
  await page.locator('.toast, .flash, [role=status]').first().waitFor({ state: 'attached' }).catch(() => {});
  const participants = await page.locator('.conduct-participants').innerText();
  assert.ok(participants.includes('刘志强') && participants.includes('赵晓燕'), participants);
  assert.ok((await page.locator('h1').innerText()).includes('浏览器测试'));
  await assertNoOverflow(page, '纪实详情');
  await shot(page, 'conduct-02-record-390');

  res = await page.goto(url(`/conduct?year=${thisYear}`));
  assert.equal(res.status(), 200);
  assert.equal(await groupStudyTotal(page), before + 1, 'counted on 概览');
  await shot(page, 'conduct-03-overview-after-390');
  // the count is a link to the records of that kind, which list the new one
  const link = page.locator('table.conduct-kinds tr', { hasText: '党组会专题研究' }).first().locator('td').last().locator('a');
  await Promise.all([page.waitForURL(/\/conduct\/records\?/), link.click()]);
  assert.ok((await page.locator(`a[href="${recordPath}"]`).count()) >= 1, 'the drill-down lists the record');
  await assertNoOverflow(page, '纪实列表');
  await shot(page, 'conduct-04-list-390');

  await context.close();
  assert.equal(pageErrors.length, 0, `page errors: ${pageErrors.join(' | ')}`);
});
