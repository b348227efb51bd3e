// 定责 — 责任书 in the browser: a letter copied from another unit's is flagged as it is saved,
// the 纪委 opens the side-by-side comparison and marks it reviewed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, baseUrl, shot } from './lib.mjs';

const base = baseUrl();
const url = (p) => base + p;
let browser;

before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

test('a copied letter is flagged', { timeout: 90_000 }, async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  page.on('dialog', (d) => d.accept());
  await page.goto(url('/login'));
  await page.fill('#username', 'jw_staff');
  await page.fill('#password', 'Demo@2026lz');
  await Promise.all([page.waitForURL((u) => new URL(u).pathname === '/'), page.click('button[type=submit]')]);

  await page.goto(url('/duty/letters'));
  const rows = page.locator('table.data tbody tr');
  const sourceHref = await rows.filter({ hasText: '人民政府办公室' }).locator('a').first().getAttribute('href');
  const targetHref = await rows.filter({ hasText: '县委组织部' }).locator('a').first().getAttribute('href');
  await page.goto(url(sourceHref));
  const sourceText = await page.inputValue('#body');
  await page.goto(url(targetHref));
  await page.fill('#body', sourceText.replaceAll('某某县人民政府办公室', '中共某某县委组织部'));
  await Promise.all([page.waitForURL(url(targetHref)), page.click('form.form button[type=submit]')]);
  const alert = await page.locator('.alert-error').first().innerText();
  assert.match(alert, /内容雷同/);
  await shot(page, 'letters-01-flagged');

  await page.click('.alert-error a');
  assert.ok(await page.locator('.letter-body mark').count() > 1, 'shared passages highlighted');
  await shot(page, 'letters-02-compare');
  await page.fill('#note', '已责令组织部重新起草');
  await Promise.all([page.waitForURL((u) => new URL(u).pathname === '/duty/flags'), page.click('form[action$="/review"] button')]);
  const text = await page.locator('table.data').innerText();
  assert.match(text, /已核/);
});
