// 工作日历 in the browser: the 系统管理员 opens it from 系统设置, switches to next year, clicks
// an ordinary weekday, makes it a holiday and sees it red (a cadre sees it too); the page reads
// at 390 px without sideways scrolling and the months stack. The day is put back at the end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, baseUrl, shot, assertNoOverflow, signInAs, signInSystemAdmin, thisYear } from './lib.mjs';

const base = baseUrl();
const url = (p) => base + p;
let browser;

before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

/** Whether a CSS colour is the red of a holiday (the theme's danger colour). */
function isRed(rgb) {
  const [r, g, b] = rgb.match(/\d+/g).map(Number);
  return r > 150 && g < 90 && b < 90;
}

test('系统管理员 marks a day of next year as a holiday; it shows red, also at 390 px', { timeout: 150_000 }, async () => {
  const { page, context } = await signInSystemAdmin(browser);
  const next = thisYear + 1;
  await page.goto(url('/admin/settings'));
  await Promise.all([page.waitForURL((u) => new URL(u).pathname === '/calendar'), page.click('#calendar-link')]);
  assert.equal(await page.locator('#cal-year').innerText(), String(thisYear));
  assert.equal(await page.locator('.cal-month').count(), 12);
  // the year switcher
  await Promise.all([page.waitForURL((u) => new URL(u).searchParams.get('year') === String(next)), page.click('#next-year')]);
  assert.equal(await page.locator('#cal-year').innerText(), String(next));
  await shot(page, 'calendar-01-next-year');

  // an ordinary weekday of March (no class: neither weekend nor special)
  const day = await page.locator('#m3 td[data-date][class=""]').first().getAttribute('data-date');
  assert.ok(day, 'an ordinary March weekday');
  const cell = `td[data-date="${day}"]`;
  await Promise.all([page.waitForURL((u) => new URL(u).searchParams.get('day') === day), page.click(`${cell} a`)]);
  assert.ok(await page.locator('#edit').isVisible(), 'the day form opens');
  await page.selectOption('#kind', 'holiday');
  await page.fill('#name', '测试假日');
  await Promise.all([page.waitForURL((u) => !new URL(u).searchParams.has('day')), page.click('#save-day')]);
  assert.match(await page.locator('.toast').innerText(), /已保存/);
  assert.match(await page.locator(cell).getAttribute('class'), /cal-holiday/);
  const bg = await page.locator(`${cell} a`).evaluate((a) => getComputedStyle(a).backgroundColor);
  assert.ok(isRed(bg), `${day} is red: ${bg}`);
  assert.equal(await page.locator(`${cell} .cal-mark`).innerText(), '休');
  assert.match(await page.locator(`${cell} a`).getAttribute('title'), /测试假日/);
  await shot(page, 'calendar-02-marked');

  // a phone: nothing sticks out sideways, the months are one above the other
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(url(`/calendar?year=${next}`));
  await assertNoOverflow(page, 'admin /calendar');
  const [m1, m2] = [await page.locator('#m1').boundingBox(), await page.locator('#m2').boundingBox()];
  assert.ok(m2.y >= m1.y + m1.height - 1 && Math.abs(m2.x - m1.x) < 1, `months stack: ${JSON.stringify([m1, m2])}`);
  await page.goto(url(`/calendar?year=${next}&day=${day}`));
  await assertNoOverflow(page, 'admin /calendar with the day form');
  await shot(page, 'calendar-03-390');

  // a cadre reads it (no edit links), also on a phone
  const cadre = await signInAs(browser, 'gb_jyj', { viewport: { width: 390, height: 844 } });
  await cadre.page.goto(url(`/calendar?year=${next}&from=${day}&days=3#calc`));
  await assertNoOverflow(cadre.page, 'cadre /calendar');
  assert.match(await cadre.page.locator(cell).getAttribute('class'), /cal-holiday/);
  assert.equal(await cadre.page.locator('.cal-grid a').count(), 0, 'no edit links for a cadre');
  assert.match(await cadre.page.locator('#calc-answer').innerText(), /3 个工作日/);
  await shot(cadre.page, 'calendar-04-cadre-390');
  await cadre.context.close();

  // put the day back
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(url(`/calendar?year=${next}&day=${day}`));
  await page.selectOption('#kind', 'plain');
  await Promise.all([page.waitForURL((u) => !new URL(u).searchParams.has('day')), page.click('#save-day')]);
  assert.doesNotMatch((await page.locator(cell).getAttribute('class')) || '', /cal-holiday/);
  await context.close();
});
