// 待办 and 催报 in the browser: a list the 纪委 returns shows in the unit clerk's 待办 with the
// reason (and the bell counts it) until the unit files it again; a 催报 sent from 全覆盖 shows
// in the unit's 待办 and on its list page. Screenshots of the home page for the 纪委 and a
// unit clerk at 1366 px and 390 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, baseUrl, shot, signInAs, thisYear } from './lib.mjs';

const base = baseUrl();
const url = (p) => base + p;
let browser;

before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

const signIn = async (username, width = 1366) => (await signInAs(browser, username, { viewport: { width, height: 900 }, acceptDialogs: true })).page;

/** The 待办 section's text on the home page. */
async function todoText(page) {
  await page.goto(url('/'));
  return page.locator('#todo').innerText();
}

test('a returned list waits in the clerk\'s 待办 with the reason until it is filed again', { timeout: 120_000 }, async () => {
  const unit = await signIn('dw_jyj');
  // a list of a year nobody else touches, so the test stands alone on the shared demo server
  const year = String(thisYear + 2);
  await unit.goto(url(`/duty/lists?year=${year}`));
  await unit.fill('#year', year);
  await unit.click('#org_id-picker');
  await unit.locator('.up-panel:not([hidden]) input.up-search').fill('机关党支部');
  await unit.locator('.up-panel:not([hidden]) .up-opt:not(.up-hidden)', { hasText: '机关党支部' }).first().click();
  await unit.selectOption('#kind', 'main');
  await Promise.all([unit.waitForURL(/\/duty\/lists\/\d+$/), unit.click('form[method="post"][action="/duty/lists"] button[type=submit]')]);
  const listUrl = unit.url();
  const listPath = new URL(listUrl).pathname;
  await unit.fill('#content', '支部每半年开展一次廉政风险点排查');
  await Promise.all([unit.waitForURL(listUrl), unit.click('form[action$="/items"] button[type=submit]')]);
  await Promise.all([unit.waitForURL(listUrl), unit.click('form[action$="/submit"] button')]);

  // the 纪委 has it to review, and returns it with a reason
  const jw = await signIn('jw_staff');
  assert.match(await todoText(jw), /待审核的责任清单/);
  await jw.goto(listUrl);
  const reason = `风险点排查未写明责任人（${Date.now() % 100000}）`;
  await jw.fill('#reason', reason);
  await Promise.all([jw.waitForURL(listUrl), jw.click('button[value="return"]')]);
  assert.match(await jw.locator('.page-title .tag').innerText(), /已退回/);
  assert.ok(!(await todoText(jw)).includes(reason), 'not the 纪委\'s own to fix');

  // the clerk's 待办: the list, the reason, a link to it; the bell counts
  let text = await todoText(unit);
  assert.match(text, /被退回待修改的责任清单/);
  assert.ok(text.includes(reason), text);
  const item = unit.locator('#todo li.todo-item', { hasText: reason });
  assert.equal(await item.locator('a.todo-link').getAttribute('href'), listPath);
  const bell = unit.locator('#todo-bell .bell-count');
  assert.ok(Number(await bell.innerText()) >= 1);
  await shot(unit, 'todo-01-returned');

  // the link leads to the list, which is edited and filed again: the item goes
  await Promise.all([unit.waitForURL(listUrl), item.locator('a.todo-link').click()]);
  await unit.fill('#content', '支部书记为风险点排查第一责任人');
  await Promise.all([unit.waitForURL(listUrl), unit.click('form[action$="/items"] button[type=submit]')]);
  await Promise.all([unit.waitForURL(listUrl), unit.click('form[action$="/submit"] button')]);
  assert.match(await unit.locator('.page-title .tag').innerText(), /待审核/);
  text = await todoText(unit);
  assert.ok(!text.includes(reason), text);
  assert.equal(await unit.locator(`#todo a[href="${listPath}"]`).count(), 0);

  // the bell on another page is fetched after the page loads and links to the 待办
  await unit.goto(url('/duty/lists'));
  const link = unit.locator('#todo-bell');
  assert.equal(await link.getAttribute('href'), '/#todo');
  await unit.context().close();
  await jw.context().close();
});

test('催报 from 全覆盖 reaches the unit\'s 待办 and list page', { timeout: 120_000 }, async () => {
  const jw = await signIn('jw_staff');
  const year = String(thisYear + 1);
  await jw.goto(url(`/duty/coverage?year=${year}&kind=main`));
  const button = jw.locator('#remind');
  assert.match(await button.innerText(), /一键催报/);
  const confirm = await jw.locator('form[action="/duty/coverage/remind"]:not(#batch)').getAttribute('data-confirm');
  assert.match(confirm, /发送催报/);
  await Promise.all([jw.waitForURL(/sent=\d+/), button.click()]);
  assert.match(await jw.locator('.alert-success').innerText(), /催报/);
  assert.match(await jw.locator('table.data').innerText(), /已催报/);
  await shot(jw, 'todo-02-coverage');

  const unit = await signIn('dw_jyj');
  const text = await todoText(unit);
  assert.match(text, /上级催报的责任清单/);
  assert.ok(text.includes(`某某县教育局${year}年度主体责任清单`), text);
  assert.match(text, /张淑芬/);
  await unit.goto(url('/duty/lists'));
  const notice = await unit.locator('#notices').innerText();
  assert.match(notice, /催报通知/);
  assert.ok(notice.includes(`${year}年度主体责任清单`), notice);
  await unit.context().close();
  await jw.context().close();
});

test('home page screenshots: 纪委 and unit clerk, 1366 px and 390 px', { timeout: 120_000 }, async () => {
  for (const who of ['jw_staff', 'dw_jyj']) {
    for (const width of [1366, 390]) {
      const page = await signIn(who, width);
      await page.goto(url('/'));
      assert.ok(await page.locator('#todo').isVisible());
      // the home page knows the count: the bell is drawn with it, not fetched
      assert.equal(await page.locator('#todo-bell[hx-get]').count(), 0);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${who} at ${width}px: ${overflow}px of horizontal overflow`);
      await shot(page, `todo-home-${who}-${width}`);
      await page.context().close();
    }
  }
});
