// Admin path in the browser: the 系统管理员 signs in, is sent to bind a second factor,
// enrols (scanning is replaced by reading the key shown), creates an account and sees its
// one-time password, then asks for a password reset of it; the reset takes effect only when
// the 安全保密管理员 approves it and hands over the new one-time password, with which the
// account signs in, is told of the reset and sets its own; the 安全审计员 then finds the
// creation in the audit log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, baseUrl, shot, totp, assertNoOverflow, signInSystemAdmin } from './lib.mjs';

const base = baseUrl();
const url = (p) => base + p;
let browser;
/** The 系统管理员's page, signed in (with the second factor) by the first test. */
let adminPage;

before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

/** The admin role's pages (its navigation, and the first account page offered) at 390 and
 *  1366 px: nothing may stick out sideways (see phone.test.mjs, which cannot sign in admins). */
async function noOverflow(page, who) {
  await page.goto(url('/'));
  const paths = await page.locator('.sidenav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  if (paths.includes('/admin/users')) {
    await page.goto(url('/admin/users'));
    paths.push(await page.locator('.main table.data a[href^="/admin/users/"]').first().getAttribute('href'));
  }
  for (const p of paths) {
    for (const width of [390, 1366]) {
      await page.setViewportSize({ width, height: 900 });
      const res = await page.goto(url(p));
      assert.equal(res.status(), 200, `${who} ${p}`);
      await assertNoOverflow(page, `${who} ${p}`);
      await shot(page, `admin-${width}-${who}${p.replace(/\//g, '_')}`);
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function signInAdmin(username) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(url('/login'));
  await page.fill('#username', username);
  await page.fill('#password', 'Demo@2026lz');
  await Promise.all([page.waitForURL((u) => new URL(u).pathname === '/account/totp'), page.click('button[type=submit]')]);
  assert.equal(await page.locator('.qr svg').count(), 1, 'QR code shown');
  const secret = (await page.locator('p.mono').first().innerText()).trim();
  await page.fill('#code', await totp(secret));
  await Promise.all([page.waitForURL((u) => new URL(u).pathname === '/account'), page.click('form.form button[type=submit]')]);
  assert.match(await page.locator('.alert-success').innerText(), /双因素认证已开启/);
  return page;
}

test('系统管理员 enrols a second factor and creates an account', { timeout: 60_000 }, async () => {
  // enrolled here, or by another file running at the same time (calendar.test.mjs): lib.mjs
  const { page } = await signInSystemAdmin(browser);
  await shot(page, 'admin-01-enrolled');
  await page.goto(url('/admin/users'));
  await page.fill('#username', 'e2e_clerk');
  await page.fill('#display_name', '测试办事员');
  await page.selectOption('#org_id', { label: '某某县教育局' }).catch(async () => {
    const v = await page.locator('#org_id option', { hasText: '某某县教育局' }).first().getAttribute('value');
    await page.selectOption('#org_id', v);
  });
  await page.click('form.form button[type=submit]');
  await page.waitForSelector('.alert-success');
  const text = await page.locator('.alert-success').first().innerText();
  assert.match(text, /初始密码/);
  await shot(page, 'admin-02-created');
  // a reset is only asked for: the 安全保密管理员 approves it (two-person rule)
  page.on('dialog', (d) => d.accept());
  await Promise.all([page.waitForURL(/\/admin\/users\/\d+\/reset$/), page.click('form[action$="/reset"] button')]);
  assert.match(await page.locator('.alert-success').first().innerText(), /待安全保密管理员审批后生效/);
  assert.equal(await page.locator('form[action$="/reset"]').count(), 0, 'no second request while one is open');
  await shot(page, 'admin-02a-reset-requested');
  // 机构调整: a new unit under the 县委 is moved below the 县纪委, with everything under it
  await page.goto(url('/orgs/new'));
  const pick = async (sel, text) => page.selectOption(sel, await page.locator(`${sel} option`, { hasText: text }).first().getAttribute('value'));
  await pick('#parent_id', '中共某某县委员会');
  await page.fill('#name', '机构调整测试单位');
  await pick('#kind', '机关');
  await page.fill('#code', `E2E-MOVE-${Date.now()}`);
  await Promise.all([page.waitForURL(/\/orgs\/\d+$/), page.click('form.form button[type=submit]')]);
  const orgPath = new URL(page.url()).pathname;
  await page.goto(url(`${orgPath}/edit`));
  assert.equal(await page.locator('#parent_id option', { hasText: '机构调整测试单位' }).count(), 0, 'not below itself');
  await pick('#parent_id', '中共某某县纪律检查委员会');
  await shot(page, 'admin-02b-move');
  await Promise.all([page.waitForURL((u) => new URL(u).pathname === orgPath), page.click('form.form button[type=submit]')]);
  assert.match(await page.locator('.breadcrumb').innerText(), /中共某某县纪律检查委员会/);
  // admins see no business data
  const res = await page.goto(url('/people'));
  assert.equal(res.status(), 403);
  await noOverflow(page, 'admin');
  adminPage = page;
});

test('系统管理员 changes a setting and it applies without a restart', { timeout: 60_000 }, async () => {
  const page = adminPage;
  assert.ok(page, 'the admin signed in by the test before');
  // the metrics switch is off: /metrics (this machine only) is not there
  assert.equal((await page.goto(url('/metrics'))).status(), 404);
  await page.goto(url('/admin/settings'));
  assert.match(await page.locator('.main').innerText(), /保存后立即生效/);
  assert.match(await page.locator('.field', { has: page.locator('#s-list_deadline') }).innerText(), /默认：03-31/);
  // a bad value: refused in Chinese, what was typed stays, nothing saved
  await page.fill('#s-list_deadline', '3月底');
  await page.selectOption('#s-metrics_enabled', 'on');
  await Promise.all([page.waitForLoadState('load'), page.click('form.settings-form button[type=submit]')]);
  assert.match(await page.locator('.alert-error').innerText(), /设置未保存/);
  assert.match(await page.locator('.field.has-error').innerText(), /请按“月-日”填写，如 03-31/);
  assert.equal(await page.inputValue('#s-list_deadline'), '3月底');
  assert.equal(await page.inputValue('#s-metrics_enabled'), 'on');
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await assertNoOverflow(page, `settings error ${width}`);
    await shot(page, `admin-settings-${width}-error`);
  }
  await page.setViewportSize({ width: 1366, height: 900 });
  assert.equal((await page.goto(url('/metrics'))).status(), 404, 'nothing saved');
  // corrected: saved, and in force at once
  await page.goto(url('/admin/settings'));
  await page.selectOption('#s-metrics_enabled', 'on');
  await page.fill('#s-job\\.session_cleanup', '15');
  await Promise.all([page.waitForURL((u) => new URL(u).pathname === '/admin/settings'), page.click('form.settings-form button[type=submit]')]);
  assert.match(await page.locator('.toast, .alert-success').first().innerText(), /已保存/);
  assert.equal(await page.inputValue('#s-metrics_enabled'), 'on');
  assert.match(await page.locator('.field', { has: page.locator('#s-job\\.session_cleanup') }).innerText(), /已修改/);
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await assertNoOverflow(page, `settings ${width}`);
    await shot(page, `admin-settings-${width}-saved`);
  }
  await page.setViewportSize({ width: 1366, height: 900 });
  const res = await page.goto(url('/metrics'));
  assert.equal(res.status(), 200, 'metrics on without a restart');
  assert.match(await res.text(), /lianzheng_cache_hits_total/);
  // switched off again for the other tests
  await page.goto(url('/admin/settings'));
  await page.selectOption('#s-metrics_enabled', 'off');
  await Promise.all([page.waitForURL((u) => new URL(u).pathname === '/admin/settings'), page.click('form.settings-form button[type=submit]')]);
  assert.equal((await page.goto(url('/metrics'))).status(), 404);
});

test('安全保密管理员 approves the reset; the account is told at its next sign-in', { timeout: 60_000 }, async () => {
  const page = await signInAdmin('secadmin');
  page.on('dialog', (d) => d.accept());
  await page.goto(url('/admin/grants'));
  assert.match(await page.locator('.alert-info').first().innerText(), /密码重置申请待您审批/);
  await page.goto(url('/admin/resets'));
  const row = page.locator('table.resets-pending tbody tr', { hasText: 'e2e_clerk' });
  assert.equal(await row.count(), 1, 'the request is listed');
  await Promise.all([page.waitForURL(/\/admin\/resets\/\d+\/approve$/), row.locator('form[action$="/approve"] button').click()]);
  const pw = (await page.locator('.one-time-password').innerText()).trim();
  assert.ok(pw.length >= 10, 'a one-time password is shown once');
  await shot(page, 'admin-02c-reset-approved');

  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const clerk = await ctx.newPage();
  clerk.setDefaultTimeout(15_000);
  await clerk.goto(url('/login'));
  await clerk.fill('#username', 'e2e_clerk');
  await clerk.fill('#password', pw);
  await Promise.all([clerk.waitForURL((u) => new URL(u).pathname === '/account/password'), clerk.click('button[type=submit]')]);
  assert.match(await clerk.locator('.alert-info').innerText(), /您的密码已由管理员于.*重置/);
  await shot(clerk, 'admin-02d-reset-told');
  await clerk.fill('#current', pw);
  await clerk.fill('#new', 'E2e#Clerk2026pw');
  await clerk.fill('#confirm', 'E2e#Clerk2026pw');
  await Promise.all([clerk.waitForURL((u) => new URL(u).pathname === '/account'), clerk.click('form.form button[type=submit]')]);
  assert.match(await clerk.locator('.alert-success').innerText(), /密码已修改/);
  await ctx.close();
  await noOverflow(page, 'secadmin');
});

test('安全审计员 sees the account creation in the audit log and verifies the chain', { timeout: 60_000 }, async () => {
  const page = await signInAdmin('auditor');
  await page.goto(url('/audit?entity=user&action=user.create'));
  const rows = await page.locator('table.data tbody tr').allInnerTexts();
  assert.ok(rows.some((r) => r.includes('e2e_clerk')), 'creation logged');
  await page.click('form[action="/audit/verify"] button');
  await page.waitForSelector('.alert');
  assert.match(await page.locator('.alert').first().innerText(), /日志链完整/);
  await shot(page, 'admin-03-audit');
  await noOverflow(page, 'auditor');
});
