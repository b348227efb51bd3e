// 任务分工 main path in the browser: the 纪委 adds a 小项 with a lead unit and a deadline to
// the demo county's plan; the 教育局's party staff finds it and reports 50% progress.
// Run: BASE_URL=http://127.0.0.1:8080 [SHOT_DIR=/tmp/shots] node --test duty_tasks.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, baseUrl, shot, signInAs } from './lib.mjs';

const TIMEOUT = 15_000;
const base = baseUrl();
const url = (p) => base + p;
const TITLE = `浏览器测试小项：校园食品安全专项检查 ${Date.now()}`;

let browser;
const pageErrors = [];

before(async () => {
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
});

const signIn = (username, width = 1280) => signInAs(browser, username, { viewport: { width, height: 900 }, timeout: TIMEOUT, pageErrors });

async function openDemoPlan(page) {
  const res = await page.goto(url('/duty/plans'));
  assert.equal(res.status(), 200, `GET /duty/plans -> ${res.status()}`);
  const link = page.locator('table.data a[href^="/duty/plans/"]', { hasText: '党风廉政建设工作任务分工' }).first();
  await Promise.all([page.waitForURL(/\/duty\/plans\/\d+$/), link.click()]);
  await page.locator('table.plan-tree').waitFor();
}

test('任务分工: create a 小项, the lead unit reports progress', { timeout: 120_000 }, async (t) => {
  let taskPath;

  await t.test('纪委 staff adds a 小项 with lead unit and deadline', async () => {
    const { context, page } = await signIn('jw_staff');
    await page.goto(url('/duty/plans'));
    await shot(page, 'tasks-00-plans');
    await openDemoPlan(page);
    await shot(page, 'tasks-01-plan');
    // every colour shows in the demo plan
    for (const c of ['green', 'blue', 'yellow', 'red']) {
      assert.ok((await page.locator(`table.plan-tree .tag-${c}`).count()) > 0, `a ${c} item in the demo plan`);
    }
    const row = page.locator('table.plan-tree tbody tr', { hasText: '整治群众身边不正之风和腐败问题' }).first();
    await Promise.all([page.waitForURL(/\/new\?parent=\d+/), row.locator('a', { hasText: '＋小项' }).click()]);
    await page.fill('#title', TITLE);
    await page.fill('#lead_leader', '王建国（党组书记）');
    // 牵头单位 from the unit picker's drop-down, 责任单位 by checkbox (e2e/forms.test.mjs tries them in depth)
    await page.click('#lead_org-picker');
    await page.locator('.up-panel:not([hidden]) input.up-search').fill('教育局');
    await page.locator('.up-panel:not([hidden]) .up-opt', { hasText: '某某县教育局' }).first().click();
    await page.locator('#responsible .up-item', { hasText: '某某县教育局' }).first().locator('input').check();
    await page.fill('#deadline', '2026-12-20');
    await page.fill('#target', '完成全县中小学食堂食品安全检查全覆盖');
    await shot(page, 'tasks-02-form');
    await Promise.all([page.waitForURL(/\/duty\/tasks\/\d+$/), page.click('form.form button[type=submit]')]);
    taskPath = new URL(page.url()).pathname;
    assert.equal((await page.locator('h1').innerText()).trim(), TITLE);
    assert.ok((await page.locator('.kv').innerText()).includes('某某县教育局'));
    assert.equal((await page.locator('.task-progress').innerText()).trim(), '0%');
    await context.close();
  });

  await t.test('教育局 party staff finds the task and reports 50%', async () => {
    const { context, page } = await signIn('dw_jyj');
    await openDemoPlan(page);
    const link = page.locator('table.plan-tree a', { hasText: TITLE });
    assert.equal(await link.count(), 1, 'the new task is visible to the lead unit');
    // items of other units are not listed as openable
    assert.equal(await page.locator('table.plan-tree a', { hasText: '开展医药领域腐败问题集中整治' }).count(), 1, 'a cooperating unit sees its item');
    assert.equal(await page.locator('table.plan-tree a', { hasText: '完成对县直部门的常规巡察' }).count(), 0, 'items of other units are hidden');
    await Promise.all([page.waitForURL((u) => new URL(u).pathname === taskPath), link.click()]);
    await page.fill('#percent', '50');
    await page.fill('#text', '已完成城区12所学校食堂检查，乡镇学校检查正在推进。');
    await Promise.all([page.waitForURL((u) => new URL(u).pathname === taskPath), page.click('form[action*="/reports"] button[type=submit]')]);
    assert.equal((await page.locator('.task-progress').innerText()).trim(), '50%');
    const reports = await page.locator('#reports + * , table.data').last().innerText();
    assert.ok(reports.includes('已完成城区12所学校食堂检查'), 'the report is in the timeline');
    await shot(page, 'tasks-03-task');
    // the plan tree shows the new percentage
    await openDemoPlan(page);
    const row = page.locator('table.plan-tree tbody tr', { hasText: TITLE });
    assert.ok((await row.innerText()).includes('50%'));
    await shot(page, 'tasks-04-plan-unit');
    await context.close();
  });

  await t.test('纪委 staff deletes a 小项 entered by mistake (after confirming)', async () => {
    const { context, page } = await signIn('jw_staff');
    await openDemoPlan(page);
    const row = page.locator('table.plan-tree tbody tr', { hasText: '整治群众身边不正之风和腐败问题' }).first();
    await Promise.all([page.waitForURL(/\/new\?parent=\d+/), row.locator('a', { hasText: '＋小项' }).click()]);
    const mistaken = `误录的小项 ${Date.now()}`;
    await page.fill('#title', mistaken);
    await Promise.all([page.waitForURL(/\/duty\/tasks\/\d+$/), page.click('form.form button[type=submit]')]);
    await shot(page, 'tasks-08-delete-offered');
    let asked = '';
    page.once('dialog', (d) => { asked = d.message(); d.accept(); });
    await Promise.all([page.waitForURL(/\/duty\/plans\/\d+$/), page.click('form[action$="/delete"] button')]);
    assert.match(asked, /删除该事项/);
    assert.equal(await page.locator('table.plan-tree a', { hasText: mistaken }).count(), 0, 'the item is gone from the plan');
    // the reported item offers no deletion
    await page.goto(url(taskPath));
    assert.equal(await page.locator('form[action$="/delete"]').count(), 0);
    await context.close();
  });

  await t.test('phone width: plan and task pages', async () => {
    const { context, page } = await signIn('jw_staff', 390);
    await page.goto(url('/duty/plans'));
    await shot(page, 'tasks-07-plans-390');
    await openDemoPlan(page);
    await shot(page, 'tasks-05-plan-390');
    await page.goto(url(taskPath));
    await shot(page, 'tasks-06-task-390');
    await context.close();
  });

  if (pageErrors.length) t.diagnostic(`uncaught page errors: ${pageErrors.join(' | ')}`);
  assert.equal(pageErrors.length, 0, `page errors: ${pageErrors.join(' | ')}`);
});
