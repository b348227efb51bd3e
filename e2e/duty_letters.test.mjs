// 定责 — 责任书 in the browser: a letter copied from another unit's is flagged as it is saved,
// the 纪委 opens the side-by-side comparison and marks it reviewed; generation starts with a
// preview; only the signer named on a letter signs it, and a flagged letter asks first; a
// template is edited until letters are made from it, then disabled (greyed, no 生成) and enabled.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, baseUrl, shot, signInAs } from './lib.mjs';

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
  // (only units and leaders with an accepted list have letters: 刘志强's is one)
  const targetHref = await rows.filter({ hasText: '刘志强' }).locator('a').first().getAttribute('href');
  await page.goto(url(sourceHref));
  const sourceText = await page.inputValue('#body');
  await page.goto(url(targetHref));
  await page.fill('#body', sourceText.replaceAll('某某县人民政府办公室', '某某县教育局'));
  await Promise.all([page.waitForURL(url(targetHref)), page.click('form.form button[type=submit]')]);
  const alert = await page.locator('.alert-error').first().innerText();
  assert.match(alert, /内容雷同/);
  await shot(page, 'letters-01-flagged');

  await page.click('.alert-error a');
  assert.ok(await page.locator('.letter-body mark').count() > 1, 'shared passages highlighted');
  await shot(page, 'letters-02-compare');
  await page.fill('#note', '已责令重新起草');
  await Promise.all([page.waitForURL((u) => new URL(u).pathname === '/duty/flags'), page.click('form[action$="/review"] button')]);
  const text = await page.locator('table.data').innerText();
  assert.match(text, /已核/);
});

test('generation starts with a preview naming who is left out', { timeout: 90_000 }, async () => {
  const { context, page } = await signInAs(browser, 'jw_staff');
  await page.goto(url('/duty/letters/templates'));
  await Promise.all([page.waitForURL(/\/generate$/), page.locator('a', { hasText: '生成预览' }).first().click()]);
  assert.match(await page.locator('h1').innerText(), /生成预览/);
  // the units without an accepted list are named with the reason; nothing is made yet
  const skipped = await page.locator('table.preview-skipped').innerText();
  assert.match(skipped, /中共某某县委办公室[\s\S]*待审核，尚未备案/);
  assert.match(skipped, /已按本模板生成过责任书/);
  await shot(page, 'letters-03-preview');
  await context.close();
});

test('only the signer signs, and a flagged letter asks first', { timeout: 90_000 }, async () => {
  // the unit's 党务 clerk may sign in general, but 教育局's letter is its 书记's
  const clerk = await signInAs(browser, 'dw_jyj');
  await clerk.page.goto(url('/duty/letters'));
  const unitHref = await clerk.page.locator('table.data tbody tr').filter({ hasText: '某某县教育局' }).filter({ hasText: '代表单位' }).locator('a').first().getAttribute('href');
  await clerk.page.goto(url(unitHref));
  assert.equal(await clerk.page.locator('form[action$="/sign"]').count(), 0, 'no 确认签订 for the clerk');
  assert.equal(await clerk.page.locator('a[href$="/document.docx"]').count(), 1, 'the Word download');
  await clerk.context.close();

  // 王建国's own letter repeats last year's: 确认签订 shows the confirmation naming the flag
  const { context, page } = await signInAs(browser, 'sj_jyj');
  await page.goto(url('/duty/letters'));
  const mine = await page.locator('table.data tbody tr').filter({ hasText: '王建国' }).filter({ hasNotText: '代表单位' }).locator('a').first().getAttribute('href');
  await page.goto(url(mine));
  await Promise.all([page.waitForURL(url(mine + '/sign')), page.click('.page-actions form[action$="/sign"] button')]);
  const step = page.locator('.confirm-flag');
  assert.match(await step.innerText(), /照抄往年/);
  assert.match(await step.innerText(), /确认仍要签订/);
  assert.match(await page.locator('.page-title .tag').innerText(), /待签订|未签订|草稿/);
  await shot(page, 'letters-04-confirm-flag');
  // 仍然签订 signs it
  await Promise.all([page.waitForURL(url(mine)), page.click('.confirm-flag button[type=submit]')]);
  assert.match(await page.locator('.page-title .tag').innerText(), /已签订/);
  await shot(page, 'letters-05-signed');
  await context.close();
});

test('a template is edited until used, then disabled and enabled again', { timeout: 120_000 }, async () => {
  const { context, page } = await signInAs(browser, 'jw_staff', { acceptDialogs: true });
  // a template of a year without lists (nothing is generated from it: re-runnable on a shared server)
  const year = new Date().getFullYear() + 3;
  const title = `浏览器测试责任书${Date.now()}`;
  await page.goto(url(`/duty/letters/templates?year=${year}`));
  await page.click('#org_id-picker');
  await page.locator('.up-panel:not([hidden]) input.up-search').fill('教育局');
  await page.locator('.up-panel:not([hidden]) .up-opt:not(.up-hidden)', { hasText: '某某县教育局' }).first().click();
  await page.fill('#title', title);
  await Promise.all([page.waitForURL(/\/duty\/letters\/templates\?year=/), page.click('form[action="/duty/letters/templates"] button[type=submit]')]);
  const link = page.locator('table.data tbody tr a', { hasText: title });
  await Promise.all([page.waitForURL(/\/duty\/letters\/templates\/\d+$/), link.click()]);
  const editUrl = page.url();
  assert.match(await page.locator('.hint').last().innerText(), /\{上级签订人\}/, 'the placeholders beside the form');
  // a body without {责任内容}: refused, what was typed kept
  await page.fill('#title', title + '（修订）');
  await page.fill('#body', '本责任书正文忘了写责任内容');
  await page.click('form.form button[type=submit]');
  await page.waitForSelector('.field.has-error');
  assert.match(await page.locator('.field.has-error .field-error').innerText(), /\{责任内容\}/);
  assert.equal(await page.inputValue('#body'), '本责任书正文忘了写责任内容');
  assert.equal(await page.inputValue('#title'), title + '（修订）');
  await shot(page, 'letters-06-template-refused');
  await page.fill('#body', '{上级}与{单位}{签订人}签订{年度}年度责任书：\n{责任内容}');
  await Promise.all([page.waitForURL(editUrl), page.click('form.form button[type=submit]')]);
  assert.match(await page.locator('h1').innerText(), /（修订）/);
  assert.match(await page.locator('#toasts .toast').first().innerText(), /已保存/);
  assert.equal(await page.locator('form[action$="/disable"]').count(), 0, 'nothing made from it: edited, not disabled');

  // a template letters were made from: no edit form, 停用 — greyed, no 生成; then 启用 again
  await page.goto(url('/duty/letters/templates'));
  const used = page.locator('table.data tbody tr').filter({ has: page.locator('form[action$="/disable"]') }).first();
  const href = await used.locator('a').first().getAttribute('href');
  await page.goto(url(href));
  assert.equal(await page.locator('#body').count(), 0, 'no edit form once used');
  try {
    await Promise.all([page.waitForURL(url(href)), page.click('.page-actions form[action$="/disable"] button')]);
    assert.match(await page.locator('.page-actions .tag').innerText(), /已停用/);
    await page.goto(url('/duty/letters/templates'));
    const row = page.locator('table.data tbody tr.row-disabled').filter({ has: page.locator(`a[href="${href}"]`) });
    assert.match(await row.innerText(), /已停用/);
    assert.equal(await row.locator('a[href$="/generate"]').count(), 0, 'no 生成 for a disabled template');
    await shot(page, 'letters-07-template-disabled');
    await page.goto(url('/duty/letters'));
    assert.equal(await page.locator(`a[href="${href}/generate"]`).count(), 0, 'not offered for generation');
  } finally {
    await page.goto(url(href));
    if (await page.locator('form[action$="/enable"]').count()) {
      await Promise.all([page.waitForURL(url(href)), page.click('form[action$="/enable"] button')]);
    }
  }
  assert.equal(await page.locator('form[action$="/enable"]').count(), 0);
  assert.ok(await page.locator(`a[href="${href}/generate"]`).count() > 0, 'enabled: 生成预览 again');
  await context.close();
});
