// Phone width: every main page, as each role that uses it, laid out at 390 px (a phone) and
// at 1366 px (an office PC), must not stick out sideways — no sideways scrolling of the
// document and no element whose right edge passes the window. Tables turn into cards below
// 640 px, so a table's columns stay on the screen.
//
// The pages are found, not listed: for each role the test follows the links of the main
// navigation and of each module's tab bar, then opens the first record of each kind it
// finds on those pages (a person, an organisation, a list, a plan, an item, a letter …).
// One browser; the roles run side by side, each in its own context.
// (The three admin roles need a second factor bound once per server: admin.test.mjs checks
// their pages at 390 px after enrolling them.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, baseUrl, shot, assertNoOverflow, signInAs } from './lib.mjs';

const base = baseUrl();
const url = (p) => base + p;
const ROLES = ['jw_staff', 'dw_jyj', 'sj_jyj', 'gb_jyj', 'jcz'];
const PHONE = { width: 390, height: 844 };
const DESK = { width: 1366, height: 900 };
/** Kinds of record page, each opened once per role from the first link found. */
const RECORDS = [
  /^\/people\/\d+$/, /^\/orgs\/\d+$/, /^\/duty\/lists\/\d+$/, /^\/duty\/plans\/\d+$/, /^\/duty\/tasks\/\d+$/,
  /^\/duty\/letters\/\d+$/, /^\/duty\/flags\/\d+$/, /^\/duty\/templates\/\d+$/,
];
/** Pages that are not for looking at (downloads, sign-out). */
const SKIP = /(\.xlsx|\.docx|\/logout|\/attachments\/)/;

let browser;
before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

const signIn = async (username) => (await signInAs(browser, username, { viewport: PHONE, timeout: 20_000 })).page;

/** Same-site paths of the links matching `selector`, without query or hash. */
async function linksOf(page, selector) {
  const hrefs = await page.locator(selector).evaluateAll((as) => as.map((a) => a.getAttribute('href') || ''));
  return hrefs.filter((h) => h.startsWith('/')).map((h) => h.split(/[?#]/)[0]).filter((h) => !SKIP.test(h));
}

/** Opens `path` at phone width, checks it, widens to the desk and checks again. */
async function check(page, user, path, failures) {
  await page.setViewportSize(PHONE);
  const res = await page.goto(url(path));
  const status = res ? res.status() : 0;
  if (status !== 200) {
    failures.push(`${user} ${path}: HTTP ${status} (a link the page offered)`);
    return;
  }
  const tag = `${user}${path.replace(/\//g, '_')}`;
  for (const [size, label] of [[PHONE, '390'], [DESK, '1366']]) {
    await page.setViewportSize(size);
    try {
      await assertNoOverflow(page, `${user} ${path}`);
    } catch (e) {
      failures.push(e.message);
    }
    await shot(page, `phone-${label}-${tag}`);
  }
}

test('no page sticks out sideways at 390 px or 1366 px, for any role', { timeout: 300_000 }, async () => {
  const failures = [];
  const visited = {};
  await Promise.all(ROLES.map(async (user) => {
    const page = await signIn(user);
    const seen = new Set();
    const todo = ['/'];
    const records = new Set();
    // main pages: the navigation, then each module's tab bar
    while (todo.length) {
      const path = todo.shift();
      if (seen.has(path)) continue;
      seen.add(path);
      await check(page, user, path, failures);
      for (const h of await linksOf(page, '.sidenav a, .tabs a')) if (!seen.has(h) && !todo.includes(h)) todo.push(h);
      for (const h of await linksOf(page, '.main a')) {
        const kind = RECORDS.find((re) => re.test(h));
        if (kind && ![...records].some((r) => kind.test(r))) records.add(h);
      }
    }
    // one record of each kind found
    for (const path of records) {
      if (seen.has(path)) continue;
      seen.add(path);
      await check(page, user, path, failures);
    }
    visited[user] = [...seen];
    await page.context().close();
  }));
  for (const [user, pages] of Object.entries(visited)) console.log(`${user}: ${pages.length} pages — ${pages.join(' ')}`);
  // the walk must have reached the pages the issue names
  const all = Object.values(visited).flat();
  for (const re of [/^\/people\/\d+$/, /^\/duty\/plans\/\d+$/, /^\/duty\/letters$/, /^\/duty\/lists\/\d+$/, /^\/orgs$/, /^\/people$/, /^\/duty\/coverage$/]) {
    assert.ok(all.some((p) => re.test(p)), `no page matching ${re} was reached`);
  }
  assert.deepEqual(failures, [], failures.join('\n\n'));
});
