// Navigation: breadcrumbs from 首页 on every page below home; the module tab bar lights the
// page and offers only what the role may open (一般干部 sees no 全覆盖); 403 and 404 are pages
// in the layout with a way back (the API keeps JSON); a save is followed by a toast.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, baseUrl, shot, signInAs } from './lib.mjs';

const base = baseUrl();
const url = (p) => base + p;
let browser;

before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

const signIn = async (username, viewport = { width: 1366, height: 900 }) => (await signInAs(browser, username, { viewport })).page;

const crumbs = (page) => page.locator('.breadcrumb').first().evaluate((nav) => [...nav.children].map((c) => ({ href: c.getAttribute('href'), text: c.textContent.trim(), current: c.getAttribute('aria-current') === 'page' })));

test('breadcrumbs lead from 首页 on every page below it', { timeout: 90_000 }, async () => {
  const page = await signIn('jw_staff');
  assert.equal(await page.locator('.breadcrumb').count(), 0, 'the home page has no breadcrumbs');
  const paths = await page.locator('.sidenav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')).filter((h) => h !== '/'));
  await page.goto(url('/duty'));
  paths.push(...await page.locator('.tabs a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))));
  const plan = await page.goto(url('/duty/plans')).then(() => page.locator('.main a[href^="/duty/plans/"]').first().getAttribute('href'));
  paths.push(plan);
  for (const p of paths) {
    await page.goto(url(p));
    const c = await crumbs(page);
    assert.deepEqual(c[0], { href: '/', text: '首页', current: false }, `${p}: breadcrumbs start at 首页`);
    assert.ok(c[c.length - 1].current, `${p}: the last step is the page itself`);
  }
  // a plan: 首页 / 定责 / 任务分工 / 2026 / the plan
  await page.goto(url(plan));
  const c = await crumbs(page);
  assert.deepEqual(c.slice(0, 3).map((x) => x.text), ['首页', '定责', '任务分工'], JSON.stringify(c));
  assert.equal(c[c.length - 1].text, (await page.locator('h1').first().innerText()).trim());
  await shot(page, 'nav-01-plan-crumbs');
  await Promise.all([page.waitForURL((u) => new URL(u).pathname === '/'), page.locator('.breadcrumb a[href="/"]').click()]);
});

test('the tab bar lights the page and shows only what the role may open', { timeout: 90_000 }, async () => {
  const jw = await signIn('jw_staff');
  await jw.goto(url('/duty/lists'));
  assert.equal((await jw.locator('.tabs a.active').innerText()).trim(), '责任清单');
  assert.equal((await jw.locator('.sidenav a.active').innerText()).trim(), '定责');
  const jwTabs = await jw.locator('.tabs a').evaluateAll((as) => as.map((a) => a.textContent.trim()));
  for (const t of ['全覆盖', '共性清单', '雷同检查']) assert.ok(jwTabs.includes(t), `纪委 sees ${t}: ${jwTabs}`);
  // a record lights its part: a letter lights 责任书
  await jw.goto(url('/duty/letters'));
  const letter = await jw.locator('.main table.data a[href^="/duty/letters/"]').first().getAttribute('href');
  await jw.goto(url(letter));
  assert.equal((await jw.locator('.tabs a.active').innerText()).trim(), '责任书');

  for (const user of ['gb_jyj', 'dw_jyj', 'sj_jyj']) {
    const page = await signIn(user);
    await page.goto(url('/duty'));
    const tabs = await page.locator('.tabs a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    if (user === 'gb_jyj') {
      for (const h of ['/duty/coverage', '/duty/templates', '/duty/flags']) assert.ok(!tabs.includes(h), `一般干部 is not offered ${h}`);
      await shot(page, 'nav-02-cadre-tabs');
    }
    // every link offered opens
    for (const h of [...tabs, ...await page.locator('.sidenav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))]) {
      const res = await page.request.get(url(h));
      assert.equal(res.status(), 200, `${user}: ${h} is offered, so it must open`);
    }
    await page.context().close();
  }
});

test('403 and 404 are pages in the layout with a way back; the API keeps JSON', { timeout: 60_000 }, async () => {
  for (const viewport of [{ width: 1366, height: 900 }, { width: 390, height: 844 }]) {
    const page = await signIn('gb_jyj', viewport);
    await page.goto(url('/duty/lists'));
    const res = await page.goto(url('/duty/coverage'));
    assert.equal(res.status(), 403);
    assert.equal((await page.locator('.main h1').innerText()).trim(), '无权访问');
    assert.ok(await page.locator('.sidenav a[href="/duty"]').count(), 'the navigation is there');
    assert.ok(await page.locator('.main a[href="/"]', { hasText: '回到首页' }).count());
    await shot(page, `nav-03-403-${viewport.width}`);
    await Promise.all([page.waitForURL((u) => new URL(u).pathname === '/duty/lists'), page.locator('a[data-back]').click()]);

    const nf = await page.goto(url('/duty/lists/987654321'));
    assert.equal(nf.status(), 404);
    assert.equal((await page.locator('.main h1').innerText()).trim(), '页面不存在');
    assert.match(await page.locator('.breadcrumb').innerText(), /首页/);
    await shot(page, `nav-04-404-${viewport.width}`);
    const none = await page.goto(url('/no/such/page'));
    assert.equal(none.status(), 404);
    assert.ok(await page.locator('a[data-back]', { hasText: '返回上一页' }).count());

    const api = await page.request.get(url('/api/v1/duty/coverage'));
    assert.equal(api.status(), 403);
    assert.equal((await api.json()).code, 'forbidden');
    const api404 = await page.request.get(url('/api/v1/no-such-thing'));
    assert.equal(api404.status(), 404);
    assert.equal((await api404.json()).code, 'not_found');
    await page.context().close();
  }
  // not signed in: a page of its own, still in Chinese with a way back
  const ctx = await browser.newContext({ locale: 'zh-CN' });
  const anon = await ctx.newPage();
  const r = await anon.goto(url('/no/such/page'));
  assert.equal(r.status(), 404);
  assert.match(await anon.locator('h1').innerText(), /页面不存在/);
  await ctx.close();
});

test('a save is followed by a toast, once; a forged message shows nothing', { timeout: 60_000 }, async () => {
  const page = await signIn('dw_jyj');
  await page.goto(url('/people'));
  const person = await page.locator('.main table.data a[href^="/people/"]').first().getAttribute('href');
  await page.goto(url(`${person}/edit`));
  await Promise.all([page.waitForURL((u) => new URL(u).pathname === person), page.click('form.form button[type=submit]')]);
  const toast = page.locator('#toasts .toast');
  assert.equal((await toast.first().innerText()).trim(), '已保存');
  await shot(page, 'nav-05-toast');
  await page.reload();
  assert.equal(await page.locator('#toasts .toast').count(), 0, 'the message is shown once');
  // a cookie the server did not set carries no words into the page
  await page.context().addCookies([{ name: 'lz_flash', value: '%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E', url: base }]);
  await page.reload();
  assert.equal(await page.locator('#toasts .toast').count(), 0);
  assert.equal(await page.locator('#toasts img').count(), 0);
});
