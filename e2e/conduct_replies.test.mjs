// 履责 — 廉洁意见回复 in the browser: the 纪委 clerk pastes the 组织部's list of names (one
// found with the search and added with a click), the system drafts each person's opinion from
// the files, he decides the person with an open 函询, edits a sentence, issues the reply and
// downloads the GB/T 9704 document. Screens at 1366 and 390 px, never wider than the screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, baseUrl, shot, signInAs, assertNoOverflow } from './lib.mjs';

const base = baseUrl();
const url = (p) => base + p;
let browser;

before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

const phone = { width: 390, height: 844 };

test('draft and issue a 廉洁意见回复', { timeout: 120_000 }, async () => {
  const jw = (await signInAs(browser, 'jw_staff')).page;
  await jw.goto(url('/conduct/replies'));
  await shot(jw, 'replies-01-list');
  await jw.click('a[href="/conduct/replies/new"]');
  await jw.fill('#request_ref', '关于征求拟提拔人选党风廉政意见的函');
  // the list as the 组织部 sent it, and one more found by pinyin and added with a click
  await jw.fill('#people', '王建国 县教育局');
  await jw.fill('#people-q', 'lzq');
  const add = jw.locator('#people-found button', { hasText: '刘志强' }).first();
  await add.waitFor();
  await add.click();
  assert.match(await jw.inputValue('#people'), /王建国 县教育局\n刘志强/);
  await shot(jw, 'replies-02-new');
  await Promise.all([jw.waitForURL(/\/conduct\/replies\/\d+$/), jw.click('form[action="/conduct/replies"] button[type=submit]')]);
  const replyUrl = jw.url();
  assert.match(await jw.locator('#toasts .toast').first().innerText(), /已生成/);
  const cards = jw.locator('.reply-person');
  assert.equal(await cards.count(), 2);
  // every sentence says where it comes from
  assert.ok(await jw.locator('.reply-person .sentences .hint a').count() >= 2, 'sources linked');
  await shot(jw, 'replies-03-draft');

  // 刘志强 has a 函询 waiting for his reply (demo): his opinion waits for a decision
  const liu = cards.filter({ hasText: '刘志强' });
  assert.match(await liu.innerText(), /待确定/);
  assert.equal(await jw.locator('form[action$="/issue"]').count(), 0, 'no issue while a person waits');
  await liu.locator('a', { hasText: '确定意见' }).click();
  await jw.selectOption('#opinion', 'defer');
  await jw.fill('#conclusion', '函询尚未了结，建议暂缓提拔使用');
  const first = jw.locator('textarea[name="text"]').first();
  await first.fill((await first.inputValue()) + '（经核）');
  await jw.fill('#added', '待函询了结后另行回复。');
  await shot(jw, 'replies-04-person');
  await Promise.all([jw.waitForURL(/\/conduct\/replies\/\d+(#.*)?$/), jw.click('form.form button[type=submit]')]);
  assert.match(await jw.locator('.reply-person', { hasText: '刘志强' }).innerText(), /人工补充/);

  // issue with the suggested 文号, confirm the dialog
  jw.once('dialog', (d) => d.accept());
  await Promise.all([jw.waitForURL(replyUrl), jw.click('form[action$="/issue"] button')]);
  assert.match(await jw.locator('.page-title').innerText(), /已签发/);
  const [download] = await Promise.all([jw.waitForEvent('download'), jw.click('a[href$="/document.docx"]')]);
  assert.match(download.suggestedFilename(), /廉洁意见回复-王建国等2名同志\.docx/);
  await shot(jw, 'replies-05-issued');

  // the same on a phone: cards, nothing wider than the screen
  const small = (await signInAs(browser, 'jw_staff', { viewport: phone })).page;
  await small.goto(replyUrl);
  await assertNoOverflow(small, 'the reply on a phone');
  await shot(small, 'replies-06-phone');
  await small.goto(url('/conduct/replies'));
  await assertNoOverflow(small, 'the list on a phone');

  // nobody else
  const clerk = (await signInAs(browser, 'dw_jyj')).page;
  const r = await clerk.goto(replyUrl);
  assert.equal(r.status(), 403);
});
