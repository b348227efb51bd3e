// 廉政考试 on a phone: the invited person (gb_jyj, 一般干部 of 教育局, invited to the demo paper)
// signs in at 390 px, sees "待参加的考试" in the 待办, starts, answers questions of each type
// (each saved as it is given), reloads mid-way and finds the answers still there, submits and
// sees the score with the right answers — which the page never carried before submission.
// Nothing sticks out sideways at any step. Needs a fresh demo server (the paper allows two
// attempts; a third run finds none left).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, baseUrl, shot, assertNoOverflow, signInAs } from './lib.mjs';

const PHONE = { width: 390, height: 844 };
let browser;
before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

/** Answers question card `q` (a locator) and waits until the server says it is saved. */
async function answer(q, how) {
  await how(q);
  await q.locator('.exam-saved .saved', { hasText: /已保存 \d/ }).waitFor();
}

test('an invited person takes the exam on a phone', async () => {
  const errors = [];
  const { page } = await signInAs(browser, 'gb_jyj', { viewport: PHONE, acceptDialogs: true, pageErrors: errors, timeout: 20_000 });

  // the 待办 leads to the exams waiting
  const item = page.locator('#todo li.todo-item', { hasText: '待参加的考试' });
  await item.waitFor();
  await shot(page, 'exam-01-todo');
  await Promise.all([page.waitForURL(/\/conduct\/exams\/mine$/), item.locator('a.todo-link').click()]);
  await assertNoOverflow(page, 'my exams');
  await shot(page, 'exam-02-mine');

  // start (or continue the attempt a previous run left open)
  const card = page.locator('.exam-card', { hasText: '教育局廉政知识测试' });
  const go = card.locator('a:has-text("继续答题"), button:has-text("开始答题"), button:has-text("再考一次")').first();
  assert.ok(await go.count(), 'an attempt can be started (a fresh demo server is needed)');
  await Promise.all([page.waitForURL(/\/conduct\/exams\/attempts\/\d+$/), go.click()]);
  const attemptUrl = page.url();
  await page.locator('.exam-bar [data-exam-clock]').waitFor();
  assert.match(await page.locator('[data-exam-clock]').innerText(), /^\d\d:\d\d$/);
  assert.ok(!(await page.content()).includes('标准答案'), 'no answer key before submission');

  const cards = page.locator('form[data-exam-q]');
  const count = await cards.count();
  assert.equal(count, 13, '5 单选, 2 多选, 4 判断, 2 填空');
  const kinds = await cards.evaluateAll((fs) => fs.map((f) => f.querySelector('.exam-q-head .tag').textContent.trim()));
  const first = (k) => cards.nth(kinds.indexOf(k));

  // a 单选, a 多选 (two boxes), a 判断 and a 填空
  await answer(first('单选'), (q) => q.locator('label.exam-opt').nth(1).click());
  await answer(first('多选'), async (q) => {
    await q.locator('label.exam-opt').nth(0).click();
    await q.locator('.exam-saved .saved', { hasText: /已保存 \d/ }).waitFor();
    await q.locator('.exam-saved').evaluate((el) => { el.textContent = ''; });
    await q.locator('label.exam-opt').nth(2).click();
  });
  await answer(first('判断'), (q) => q.locator('label.exam-opt', { hasText: '错' }).click());
  await answer(first('填空'), (q) => q.locator('input.exam-fill').fill('开除党籍'));
  assert.equal(await page.locator('[data-exam-answered]').innerText(), '4');
  // the timer stays on screen, just below the top bar, while scrolling
  await cards.nth(count - 1).scrollIntoViewIfNeeded();
  const top = await page.locator('header.topbar').boundingBox();
  const bar = await page.locator('.exam-bar').boundingBox();
  assert.ok(top && bar && bar.y >= top.y + top.height - 1 && bar.y < top.y + top.height + 20, `the timer below the top bar: ${JSON.stringify({ top, bar })}`);
  const hit = await page.evaluate(({ x, y }) => !!document.elementFromPoint(x, y)?.closest('.exam-bar'), { x: bar.x + 20, y: bar.y + bar.height / 2 });
  assert.ok(hit, 'the timer is not covered');
  await assertNoOverflow(page, 'the attempt');
  await shot(page, 'exam-03-answering');

  // a reload (as after a lost connection) keeps every answer
  await page.reload();
  await page.locator('.exam-bar').waitFor();
  assert.equal(page.url(), attemptUrl);
  assert.equal(await page.locator('[data-exam-answered]').innerText(), '4');
  assert.ok(await first('单选').locator('input[type=radio]').nth(1).isChecked());
  assert.ok(await first('多选').locator('input[type=checkbox]').nth(0).isChecked());
  assert.ok(await first('多选').locator('input[type=checkbox]').nth(2).isChecked());
  assert.ok(await first('判断').locator('label.exam-opt', { hasText: '错' }).locator('input').isChecked());
  assert.equal(await first('填空').locator('input.exam-fill').inputValue(), '开除党籍');
  await shot(page, 'exam-04-reloaded');

  // submit: the score, pass or fail, and the right answers
  await Promise.all([page.waitForURL(attemptUrl), page.locator('#exam-submit button').click()]);
  await page.locator('.exam-score-num').waitFor();
  assert.match(await page.locator('.exam-score-num').innerText(), /\d+\s*\/\s*32 分/);
  assert.match(await page.locator('.exam-score').innerText(), /合格|不合格/);
  assert.equal(await page.locator('.exam-key').count(), 13, 'each question shows its right answer');
  await assertNoOverflow(page, 'the result');
  await shot(page, 'exam-05-result');

  // back on my exams: the sitting and its score
  await page.goto(baseUrl() + '/conduct/exams/mine');
  assert.match(await page.locator('.exam-card', { hasText: '教育局廉政知识测试' }).innerText(), /第\d次：\d+ 分/);
  await assertNoOverflow(page, 'my exams after');
  assert.deepEqual(errors, [], 'no script errors');
});
