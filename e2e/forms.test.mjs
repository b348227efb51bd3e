// Forms that guide (issue 8, items 4 and 10): the 单位 tree picker — typing filters the tree
// (name, short name, pinyin initials), several 责任单位 by checkbox, one 牵头单位 from a
// drop-down, the 牵头领导 choices follow the 牵头单位, the item is saved with them — and a
// draft list deleted after a confirmation (refused first, then accepted). At 1366 and 390 px.
// Run: BASE_URL=http://127.0.0.1:8080 [SHOT_DIR=/tmp/shots] node --test forms.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, baseUrl, shot, assertNoOverflow, signInAs } from './lib.mjs';

const TIMEOUT = 15_000;
const base = baseUrl();
const url = (p) => base + p;

let browser;
const pageErrors = [];

before(async () => {
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
});

const signIn = (username, width = 1366) => signInAs(browser, username, { viewport: { width, height: 900 }, timeout: TIMEOUT, pageErrors });

/** The demo county's plan: its page path. */
async function demoPlanPath(page) {
  await page.goto(url('/duty/plans'));
  const href = await page.locator('table.data a[href^="/duty/plans/"]', { hasText: '党风廉政建设工作任务分工' }).first().getAttribute('href');
  return href;
}

/** The visible names of a picker's rows, in order. */
async function shownNames(rows) {
  return rows.evaluateAll((els) => els.filter((e) => !e.classList.contains('up-hidden')).map((e) => e.querySelector('.up-name').textContent.trim()));
}

for (const width of [1366, 390]) {
  test(`tree picker on the task form at ${width} px`, { timeout: 120_000 }, async () => {
    const { context, page } = await signIn('jw_staff', width);
    const plan = await demoPlanPath(page);
    await page.goto(url(`${plan}/new`));
    const responsible = page.locator('[data-unit-picker][data-multiple]').filter({ has: page.locator('input[name="responsible"]') });
    const rows = responsible.locator('.up-item');
    // organisation order: 县委办 before 组织部 before the departments
    const all = await rows.evaluateAll((els) => els.map((e) => e.querySelector('.up-name').textContent.trim()));
    const at = (n) => all.indexOf(n);
    assert.ok(at('中共某某县委办公室') >= 0 && at('中共某某县委办公室') < at('中共某某县委组织部'), '县委办 before 组织部');
    assert.ok(at('中共某某县委组织部') < at('某某县教育局'), '组织部 before 教育局');
    await shot(page, `forms-01-task-form-${width}`);
    if (width === 390) await assertNoOverflow(page, 'task form');

    // typing filters the tree: by name, then by pinyin initials (县委组织部 → zzb)
    const search = responsible.locator('input.up-search');
    await search.fill('教育');
    let shown = await shownNames(rows);
    assert.ok(shown.includes('某某县教育局'), `教育局 shown: ${shown}`);
    assert.ok(!shown.includes('中共某某县委组织部'), '组织部 hidden while searching 教育');
    await responsible.locator('.up-item', { hasText: '某某县教育局' }).first().locator('input').check();
    await search.fill('zzb');
    shown = await shownNames(rows);
    assert.ok(shown.includes('中共某某县委组织部'), `pinyin initials find 组织部: ${shown}`);
    await responsible.locator('.up-item', { hasText: '中共某某县委组织部' }).first().locator('input').check();
    await search.fill('没有这样的单位');
    assert.ok(await responsible.locator('.up-empty:not(.up-hidden)').isVisible(), 'says nothing matches');
    await search.fill('');
    // the chosen units show as chips; a chip takes a unit out again
    const chips = responsible.locator('.up-chip');
    assert.equal(await chips.count(), 2);
    assert.match(await responsible.locator('.up-chips').innerText(), /已选 2 个/);

    // one 牵头单位 from the drop-down, found by typing
    await page.click('#lead_org-picker');
    const panel = page.locator('.up-panel:not([hidden])');
    await panel.locator('input.up-search').fill('教育局');
    await shot(page, `forms-02-lead-panel-${width}`);
    if (width === 390) await assertNoOverflow(page, 'open unit panel');
    await panel.locator('.up-opt', { hasText: '某某县教育局' }).first().click();
    assert.equal((await page.locator('#lead_org-picker').innerText()).trim(), '某某县教育局');
    // the 牵头领导 choices are the 教育局's leaders (and the county's), typed text stays allowed
    const leaders = await page.locator('#leaders option').evaluateAll((os) => os.map((o) => o.value));
    assert.ok(leaders.some((v) => v.startsWith('王建国（')), `教育局's 书记 offered: ${leaders.slice(0, 5)}`);
    await page.fill('#lead_leader', '王建国（党组书记）');

    const title = `树形选择测试 ${width} ${Date.now()}`;
    await page.fill('#title', title);
    await shot(page, `forms-03-filled-${width}`);
    await Promise.all([page.waitForURL(/\/duty\/tasks\/\d+$/), page.click('form.form button[type=submit]')]);
    const kv = await page.locator('.kv').innerText();
    assert.ok(kv.includes('某某县教育局') && kv.includes('中共某某县委组织部'), `both units saved: ${kv}`);
    assert.ok(kv.includes('王建国'), 'the leader saved');
    assert.ok(await page.locator('#toasts .toast').count() > 0, 'a toast after the save');
    // the plan's unit filter is a picker too: picking a unit filters the tree
    await page.goto(url(plan));
    await page.click('form.filters .up-trigger');
    await page.locator('.up-panel:not([hidden]) input.up-search').fill('jyj');
    await Promise.all([page.waitForURL(/org=\d+/), page.locator('.up-panel:not([hidden]) .up-opt', { hasText: '某某县教育局' }).first().click()]);
    assert.ok(await page.locator('table.plan-tree a', { hasText: title }).count() === 1, 'the filtered tree shows the item');
    await shot(page, `forms-04-plan-filtered-${width}`);
    await context.close();
  });
}

test('a draft list is deleted after a confirmation', { timeout: 60_000 }, async () => {
  const { context, page } = await signIn('dw_jyj');
  await page.goto(url('/duty/lists'));
  // a new draft of a branch for next year (a year with no list of that kind yet)
  const year = new Date().getFullYear() + 1;
  await page.fill('#year', String(year));
  await page.selectOption('#kind', 'supervision');
  await page.click('#org_id-picker');
  await page.locator('.up-panel:not([hidden]) input.up-search').fill('支部');
  await page.locator('.up-panel:not([hidden]) .up-opt:not(.up-hidden)', { hasText: '支部' }).first().click();
  const title = `待删除的草稿 ${Date.now()}`;
  await page.fill('form[method="post"][action="/duty/lists"] #title', title);
  await Promise.all([page.waitForURL(/\/duty\/lists\/\d+$/), page.click('form[method="post"][action="/duty/lists"] button[type=submit]')]);
  const listPath = new URL(page.url()).pathname;
  await shot(page, 'forms-05-draft');
  // refused: the list stays
  let asked = '';
  page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
  await page.click('form.delete-list button');
  assert.match(asked, /删除这份草稿清单/);
  assert.equal(new URL(page.url()).pathname, listPath, 'still on the list');
  assert.equal((await page.goto(url(listPath))).status(), 200);
  // confirmed: back to the year's lists with a toast, the list gone
  page.once('dialog', (d) => d.accept());
  await Promise.all([page.waitForURL(/\/duty\/lists\?year=\d+$/), page.click('form.delete-list button')]);
  assert.match(await page.locator('#toasts').innerText(), /已删除/);
  assert.equal(await page.locator('table.data a', { hasText: title }).count(), 0);
  assert.equal((await page.goto(url(listPath))).status(), 404);
  await context.close();
});

test('no uncaught page errors', () => {
  assert.equal(pageErrors.length, 0, `page errors: ${pageErrors.join(' | ')}`);
});
