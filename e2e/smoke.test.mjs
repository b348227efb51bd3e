// Browser smoke test against a running server (BASE_URL, default http://127.0.0.1:8080).
// Run: cd e2e && npm ci && BASE_URL=http://127.0.0.1:8080 SHOT_DIR=/tmp/shots npm test
//
// Page contract:
//   /login           #username, #password, button[type=submit]
//   after sign-in    lands on /, `.topbar .user` shows the person's name
//   a[href="/orgs"]  opens a page with `ul.tree` containing "纪律检查委员会"
//   /people?q=zs     `table.data tbody tr` rows, `input[name=q]` keeps "zs"
//   sign-out         `form[action="/logout"] button`, lands on /login
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, baseUrl, shot } from './lib.mjs';

const USERNAME = process.env.DEMO_USER || 'jw_staff';
const PASSWORD = process.env.DEMO_PASSWORD || 'Demo@2026lz';
const TIMEOUT = 15_000;

const base = baseUrl();
const url = (p) => base + p;
const atPath = (p) => (u) => new URL(u).pathname === p;

let browser;
let page;
const pageErrors = [];

before(async () => {
  browser = await launch();
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'zh-CN',
  });
  page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.setDefaultNavigationTimeout(TIMEOUT);
  page.on('pageerror', (err) => pageErrors.push(err.message));
});

after(async () => {
  if (browser) await browser.close();
});

test('smoke: sign in, browse orgs and people, sign out', { timeout: 120_000 }, async (t) => {
  await t.test('login page has the sign-in form', async () => {
    const res = await page.goto(url('/login'));
    assert.ok(res, 'no response for /login');
    assert.equal(res.status(), 200, `GET /login -> ${res.status()}`);
    for (const sel of ['#username', '#password', 'button[type=submit]']) {
      assert.equal(await page.locator(sel).count(), 1, `/login should have exactly one ${sel}`);
    }
    await shot(page, '01-login');
  });

  await t.test('sign in lands on / with the user name in the top bar', async () => {
    await page.fill('#username', USERNAME);
    await page.fill('#password', PASSWORD);
    await Promise.all([
      page.waitForURL(atPath('/')),
      page.click('button[type=submit]'),
    ]);
    const user = page.locator('.topbar .user');
    await user.waitFor();
    // The name is the text of .user without the sign-out form/buttons.
    const name = await user.evaluate((el) => {
      const copy = el.cloneNode(true);
      copy.querySelectorAll('form, button, .btn').forEach((n) => n.remove());
      return copy.textContent.replace(/\s+/g, ' ').trim();
    });
    assert.ok(name.length > 0, '.topbar .user shows no name');
    assert.match(name, /[\u4e00-\u9fff]/, `.topbar .user should show a Chinese name, got "${name}"`);
    if (process.env.DEMO_NAME) {
      assert.ok(name.includes(process.env.DEMO_NAME), `expected "${process.env.DEMO_NAME}" in "${name}"`);
    }
    await shot(page, '02-home');
  });

  await t.test('orgs page shows the organisation tree', async () => {
    const link = page.locator('a[href="/orgs"]').first();
    await Promise.all([page.waitForURL(atPath('/orgs')), link.click()]);
    const tree = page.locator('ul.tree').first();
    await tree.waitFor();
    const text = await tree.innerText();
    assert.ok(text.includes('纪律检查委员会'), `ul.tree should contain 纪律检查委员会, got: ${text.slice(0, 200)}`);
    await shot(page, '03-orgs');
  });

  await t.test('people search by pinyin initials', async () => {
    const res = await page.goto(url('/people?q=zs'));
    assert.equal(res.status(), 200, `GET /people?q=zs -> ${res.status()}`);
    const rows = page.locator('table.data tbody tr');
    await rows.first().waitFor();
    assert.ok((await rows.count()) >= 1, 'expected at least one row for q=zs');
    const firstCell = (await rows.first().locator('td').first().innerText()).trim();
    assert.ok(firstCell.length > 0, 'first cell of the first row is empty');
    assert.equal(await page.locator('input[name=q]').first().inputValue(), 'zs');
    await shot(page, '04-people-zs');
  });

  await t.test('sign out returns to /login', async () => {
    const button = page.locator('form[action="/logout"] button').first();
    await Promise.all([page.waitForURL(atPath('/login')), button.click()]);
    assert.equal(await page.locator('#username').count(), 1);
    await shot(page, '05-logged-out');
  });

  if (pageErrors.length) t.diagnostic(`uncaught page errors: ${pageErrors.join(' | ')}`);
});
