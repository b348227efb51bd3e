// 定责 — 责任清单 in the browser: a unit files its list (新建 → 增加个性内容 → 报送备案),
// the 纪委 accepts it, and the unit sees it 已备案 with the history.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, baseUrl, shot, signInAs } from './lib.mjs';

const base = baseUrl();
const url = (p) => base + p;
let browser;

before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

const signIn = async (username) => (await signInAs(browser, username, { viewport: { width: 1280, height: 900 }, acceptDialogs: true })).page;

test('file a list, then the 纪委 accepts it', { timeout: 90_000 }, async () => {
  const unit = await signIn('dw_jyj');
  await unit.click('a[href="/duty"]');
  await unit.click('.tabs a[href="/duty/lists"]');
  // 责任人 offers only the chosen unit's 书记 and 班子成员
  const holderOrgs = () => unit.locator('#person_id option').evaluateAll((os) => os.map((o) => o.getAttribute('data-org') || ''));
  await unit.click('#org_id-picker');
  await unit.locator('.up-panel:not([hidden]) input.up-search').fill('教育局');
  await unit.locator('.up-panel:not([hidden]) .up-opt:not(.up-hidden)', { hasText: '教育局' }).first().click();
  const bureau = await unit.inputValue('#org_id');
  assert.match(await unit.locator('#person_id').innerText(), /王建国/, 'the bureau\'s 书记 is offered');
  assert.ok((await holderOrgs()).every((o) => o === '' || o === bureau), 'only the bureau\'s people');
  await unit.click('#org_id-picker');
  await unit.locator('.up-panel:not([hidden]) input.up-search').fill('机关党支部');
  await unit.locator('.up-panel:not([hidden]) .up-opt:not(.up-hidden)', { hasText: '机关党支部' }).first().click();
  assert.doesNotMatch(await unit.locator('#person_id').innerText(), /王建国/, 'another unit\'s 书记 is not offered');
  await unit.selectOption('#kind', 'supervision');
  await Promise.all([unit.waitForURL(/\/duty\/lists\/\d+$/), unit.click('form[method="post"][action="/duty/lists"] button[type=submit]')]);
  const listUrl = unit.url();
  await unit.fill('#content', '支部纪检委员每季度检查一次党员遵守廉洁纪律情况');
  await unit.fill('#category', '监督');
  await Promise.all([unit.waitForURL(listUrl), unit.click('form[action$="/items"] button[type=submit]')]);
  assert.match(await unit.locator('table.data').first().innerText(), /支部纪检委员/);
  await Promise.all([unit.waitForURL(listUrl), unit.click('form[action$="/submit"] button')]);
  assert.match(await unit.locator('.page-title .tag').innerText(), /待审核/);
  assert.match(await unit.locator('#toasts .toast').first().innerText(), /报送成功/, 'a toast after filing');
  await shot(unit, 'lists-01-submitted');

  const jw = await signIn('jw_staff');
  await jw.goto(listUrl);
  await Promise.all([jw.waitForURL(listUrl), jw.click('button[value="accept"]')]);
  assert.match(await jw.locator('.page-title .tag').innerText(), /已备案/);
  assert.match(await jw.locator('#toasts .toast').first().innerText(), /已备案/, 'a toast after accepting');

  await unit.reload();
  assert.match(await unit.locator('.page-title .tag').innerText(), /已备案/);
  const history = await unit.locator('table.data').last().innerText();
  assert.match(history, /审核通过/);
  assert.match(history, /报送备案/);
  await shot(unit, 'lists-02-accepted');
});
