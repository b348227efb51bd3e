// Tables as people expect (issue 8, item 5): the 纪委 returns several filed lists at once with
// one reason (checkboxes and 全选); the people list changes its page size, sorts by a column
// (twice: the other way) and jumps to a page, keeping filters, size and sort in the URL; on a
// phone the same is done with a sort select and the batch bar's 全选. Screenshots at 1366 px
// and 390 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, baseUrl, shot, signInAs, assertNoOverflow, thisYear } from './lib.mjs';

const base = baseUrl();
const url = (p) => base + p;
let browser;

before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

const signIn = async (username, width = 1366) => (await signInAs(browser, username, { viewport: { width, height: 900 }, acceptDialogs: true })).page;

/** A list of `year` and `kind` for the unit found by `unitText` in the picker, with one item, filed. */
async function fileList(page, year, unitText, kind = 'main') {
  await page.goto(url(`/duty/lists?year=${year}`));
  await page.fill('#year', String(year));
  await page.click('#org_id-picker');
  await page.locator('.up-panel:not([hidden]) input.up-search').fill(unitText);
  await page.locator('.up-panel:not([hidden]) .up-opt:not(.up-hidden)', { hasText: unitText }).first().click();
  await page.selectOption('#kind', kind);
  await Promise.all([page.waitForURL(/\/duty\/lists\/\d+$/), page.click('form[method="post"][action="/duty/lists"] button[type=submit]')]);
  const listUrl = page.url();
  await page.fill('#content', `${unitText}每季度研究一次党风廉政建设`);
  await Promise.all([page.waitForURL(listUrl), page.click('form[action$="/items"] button[type=submit]')]);
  await Promise.all([page.waitForURL(listUrl), page.click('form[action$="/submit"] button')]);
  return new URL(listUrl).pathname;
}

test('the 纪委 returns two filed lists at once with one reason', { timeout: 120_000 }, async () => {
  // a year no other test touches, and lists the 纪委 keeps itself (the 派驻纪检组'): a return
  // does not reach a unit clerk's 待办, which other tests read at the same time
  const year = thisYear + 3;
  const jw = await signIn('jw_staff');
  const a = await fileList(jw, year, '派驻第一纪检监察组', 'supervision');
  const b = await fileList(jw, year, '派驻第二纪检监察组', 'supervision');

  await jw.goto(url(`/duty/lists?year=${year}&status=submitted`));
  const boxes = jw.locator('input[name="ids"]');
  assert.equal(await boxes.count(), 2);
  const returnBtn = jw.locator('button[value="return"][data-needs="ids"]');
  assert.ok(await returnBtn.isDisabled(), 'nothing checked: the batch buttons wait');
  await jw.check('thead input[data-check-all="ids"]');
  assert.equal(await jw.locator('input[name="ids"]:checked').count(), 2, '全选 checks every row');
  assert.match(await returnBtn.innerText(), /批量退回（2）/);
  const reason = `请补充个性内容（${Date.now() % 100000}）`;
  await jw.fill('input[name="reason"]', reason);
  await shot(jw, 'tables-01-batch-1366');
  await Promise.all([jw.waitForURL(url('/duty/lists/review-batch')), returnBtn.click()]);
  assert.match(await jw.locator('#batch-result').innerText(), /已退回 2 份清单/);
  // both are returned with the one reason
  for (const p of [a, b]) {
    await jw.goto(url(p));
    assert.match(await jw.locator('.page-title .tag').innerText(), /已退回/);
    assert.ok((await jw.content()).includes(reason), p);
  }
  await jw.context().close();
});

test('page size, sort by a column and jump to a page, kept in the URL', { timeout: 120_000 }, async () => {
  const page = await signIn('jw_staff');
  await page.goto(url('/people'));
  const rows = page.locator('table.data tbody tr');
  await Promise.all([page.waitForURL(/size=20/), page.selectOption('.pager-form select[name="size"]', '20')]);
  assert.equal(await rows.count(), 20);
  // sort by name, then the other way
  await Promise.all([page.waitForURL(/sort=name(&|$)/), page.click('th a.sort[data-sort="name"]')]);
  assert.match(await page.locator('th[aria-sort="ascending"]').innerText(), /姓名 ▲/);
  const firstAsc = await rows.first().locator('td').first().innerText();
  await Promise.all([page.waitForURL(/sort=-name/), page.click('th a.sort[data-sort="name"]')]);
  assert.match(await page.locator('th[aria-sort="descending"]').innerText(), /姓名 ▼/);
  assert.notEqual(await rows.first().locator('td').first().innerText(), firstAsc);
  // jump to page 3 and change the size there: the sort stays
  await page.fill('.pager-form input[name="page"]', '3');
  await Promise.all([page.waitForURL(/page=3/), page.click('.pager-form button[type=submit]')]);
  let u = new URL(page.url());
  assert.equal(u.searchParams.get('sort'), '-name');
  assert.equal(u.searchParams.get('size'), '20');
  assert.match(await page.locator('.pagination .info').innerText(), /第 3\//);
  await Promise.all([page.waitForURL(/size=50/), page.selectOption('.pager-form select[name="size"]', '50')]);
  u = new URL(page.url());
  assert.equal(u.searchParams.get('sort'), '-name');
  assert.equal(await rows.count(), 50);
  // a page past the end shows the last page
  await page.goto(url('/people?size=100&page=99999'));
  const info = await page.locator('.pagination .info').innerText();
  const [, cur, last] = info.match(/第 (\d+)\/(\d+) 页/);
  assert.equal(cur, last);
  await shot(page, 'tables-02-people-1366');
  await page.context().close();
});

test('on a phone: a sort select, 全选 in the batch bar, no sideways overflow', { timeout: 120_000 }, async () => {
  const year = thisYear + 4;
  const unit = await signIn('dw_jyj');
  await fileList(unit, year, '机关党支部');
  await unit.context().close();

  const page = await signIn('jw_staff', 390);
  await page.goto(url('/people?size=20'));
  assert.ok(await page.locator('form.sort-sm select[name="sort"]').isVisible(), 'the sort select shows on a phone');
  assert.ok(!(await page.locator('table.data thead').isVisible()), 'the header row does not');
  await Promise.all([page.waitForURL(/sort=-name/), page.selectOption('form.sort-sm select[name="sort"]', '-name')]);
  assert.equal(new URL(page.url()).searchParams.get('size'), '20', 'the size stays');
  await assertNoOverflow(page, '/people at 390');
  await shot(page, 'tables-03-people-390');

  await page.goto(url(`/duty/lists?year=${year}&status=submitted`));
  const all = page.locator('.batch-bar input[data-check-all="ids"]');
  assert.ok(await all.isVisible(), '全选 in the batch bar on a phone');
  await all.check();
  assert.equal(await page.locator('input[name="ids"]:checked').count(), await page.locator('input[name="ids"]').count());
  const box = await page.locator('input[name="ids"]').first().boundingBox();
  assert.ok(box.width >= 20 && box.height >= 20, `a finger-sized checkbox: ${JSON.stringify(box)}`);
  await assertNoOverflow(page, '/duty/lists at 390');
  await shot(page, 'tables-04-lists-390');
  await page.goto(url(`/duty/coverage?year=${year}`));
  await assertNoOverflow(page, '/duty/coverage at 390');
  await shot(page, 'tables-05-coverage-390');
  await page.context().close();
});
