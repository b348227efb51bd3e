// Shared helpers for the browser tests: system Chromium driven by playwright-core.
// No browser download: playwright-core only talks to /usr/bin/chromium
// (Debian package `chromium`).
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launch headless Chromium. Close it with `await browser.close()`.
 * One per test file: `node --test` runs each file in its own process, several at once
 * (scripts/test), so files share only the server; each signs in with its own contexts.
 */
export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** Base URL of the server under test, without a trailing slash. */
/** The current year in Beijing time, as the server counts years. */
export const thisYear = Number(new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: 'Asia/Shanghai' }).format(new Date()));

export function baseUrl() {
  return (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
}

/**
 * Full-page screenshot into $SHOT_DIR/<name>.png when SHOT_DIR is set;
 * does nothing otherwise. Returns the file path or null.
 */
export async function shot(page, name) {
  const dir = process.env.SHOT_DIR;
  if (!dir) return null;
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** RFC 6238 TOTP (SHA1, 6 digits, 30 s) for a base32 secret: the authenticator app's job. */
export async function totp(secretB32, when = Date.now()) {
  const { createHmac } = await import('node:crypto');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretB32.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(when / 1000 / 30)));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1_000_000).padStart(6, '0');
}

/**
 * What sticks out sideways on the page as it is laid out now: the document's scroll width
 * against the window, and every visible element whose right edge passes the window's (an
 * element inside a box that clips, `overflow-x: hidden|clip`, is not counted: it cannot be
 * scrolled to). A box that scrolls sideways (`overflow: auto`) does count: on a phone a table
 * that must be scrolled sideways hides its columns.
 * Returns { width, scrollWidth, offenders: ["tag.class 'text' right=…", …] } (at most 8).
 */
export async function overflow(page) {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const clipped = (el) => {
      for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
        const x = getComputedStyle(a).overflowX;
        if (x === 'hidden' || x === 'clip') return true;
      }
      return false;
    };
    const name = (el) => {
      const cls = typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '';
      const text = (el.innerText || el.value || '').replace(/\s+/g, ' ').trim().slice(0, 30);
      return `${el.tagName.toLowerCase()}${cls} '${text}'`;
    };
    const offenders = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || r.right <= width + 1) continue;
      if (getComputedStyle(el).visibility === 'hidden' || clipped(el)) continue;
      // report the outermost offender only
      if (offenders.some((o) => o.el.contains(el))) continue;
      offenders.push({ el, text: `${name(el)} right=${Math.round(r.right)}` });
    }
    return { width, scrollWidth: document.scrollingElement.scrollWidth, offenders: offenders.slice(0, 8).map((o) => o.text) };
  });
}

/** Fails (assert) when `overflow(page)` finds anything; `what` names the page in the message. */
export async function assertNoOverflow(page, what) {
  const { width, scrollWidth, offenders } = await overflow(page);
  const problems = [];
  if (scrollWidth > width) problems.push(`document ${scrollWidth}px wide in a ${width}px window`);
  problems.push(...offenders);
  if (problems.length) {
    const err = new Error(`${what} overflows sideways at ${width}px:\n  ${problems.join('\n  ')}`);
    err.code = 'ERR_ASSERTION';
    throw err;
  }
}

/**
 * A new browser context signed in as a demo account, on the home page. Options: `viewport`
 * (default 1366 × 900), `timeout` (ms, default 15 s), `acceptDialogs` (confirm() answers yes),
 * `pageErrors` (an array that collects uncaught page errors).
 */
export async function signInAs(browser, username, { viewport = { width: 1366, height: 900 }, timeout = 15_000, acceptDialogs = false, pageErrors = null } = {}) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  page.setDefaultNavigationTimeout(timeout);
  if (acceptDialogs) page.on('dialog', (d) => d.accept());
  if (pageErrors) page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(baseUrl() + '/login');
  await page.fill('#username', username);
  await page.fill('#password', process.env.DEMO_PASSWORD || 'Demo@2026lz');
  await Promise.all([page.waitForURL((u) => new URL(u).pathname === '/'), page.click('button[type=submit]')]);
  return { context, page };
}

/**
 * A new browser context signed in as the 系统管理员 (`admin`), with the second factor, on
 * /account. The second factor can be enrolled only once per server, while test files run in
 * parallel processes: under a lock (a directory in the temp folder, named after the server),
 * whoever finds it not yet enrolled enrols it — checking the enrolment page — and leaves the
 * key in a file beside the lock; the others sign in with that key. Returns { context, page,
 * enrolled } (enrolled: this call did the enrolment).
 */
export async function signInSystemAdmin(browser, { viewport = { width: 1280, height: 900 }, timeout = 15_000 } = {}) {
  const tag = baseUrl().replace(/[^A-Za-z0-9]+/g, '_');
  const lock = path.join(os.tmpdir(), `lianzheng-e2e-${tag}-admin.lock`);
  const keyFile = path.join(os.tmpdir(), `lianzheng-e2e-${tag}-admin.key`);
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST' || waited > 120_000) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    const context = await browser.newContext({ viewport, locale: 'zh-CN' });
    const page = await context.newPage();
    page.setDefaultTimeout(timeout);
    await page.goto(baseUrl() + '/login');
    await page.fill('#username', 'admin');
    await page.fill('#password', process.env.DEMO_PASSWORD || 'Demo@2026lz');
    await Promise.all([page.waitForURL((u) => ['/account/totp', '/login/totp'].includes(new URL(u).pathname)), page.click('button[type=submit]')]);
    if (new URL(page.url()).pathname === '/account/totp') {
      if ((await page.locator('.qr svg').count()) !== 1) throw new Error('enrolment page without its QR code');
      const secret = (await page.locator('p.mono').first().innerText()).trim();
      await page.fill('#code', await totp(secret));
      await Promise.all([page.waitForURL((u) => new URL(u).pathname === '/account'), page.click('form.form button[type=submit]')]);
      if (!/双因素认证已开启/.test(await page.locator('.alert-success').innerText())) throw new Error('second factor not enabled');
      writeFileSync(keyFile, secret);
      return { context, page, enrolled: true };
    }
    // enrolled by another file: its key; a code is taken once, so a later time step's if refused
    const secret = readFileSync(keyFile, 'utf8').trim();
    for (const ahead of [0, 30_000, null]) {
      if (ahead === null) await new Promise((r) => setTimeout(r, 30_000));
      await page.fill('#code', await totp(secret, Date.now() + (ahead ?? 0)));
      await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
      if (new URL(page.url()).pathname !== '/login/totp') break;
    }
    if (new URL(page.url()).pathname === '/login/totp') throw new Error('the 系统管理员\'s second factor was refused');
    await page.goto(baseUrl() + '/account');
    return { context, page, enrolled: false };
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
