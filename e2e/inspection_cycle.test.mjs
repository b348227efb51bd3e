// 考责 end to end, on a campaign of its own: the 纪委 (张淑芬, jw_staff) sets up the year's check
// over the county's 党组 departments with 教育局 spot-checked, issues the notice (Word) and picks
// the demo's scoring standard; 教育局's 党务 clerk drafts the self-check from his unit's records,
// scores his unit and submits; two inspectors (张淑芬, who leads the group, and 陈立新) score it
// apart; the leader sees the difference side by side and reconciles; the organiser approves the
// results (grade, rank, Excel); a deduction becomes a finding told to the unit; a 测评 meeting
// votes on phones at 390 px; the 通报 is drafted from all of it, issued and downloaded as Word.
// Screens at 1366 and 390 px, never wider than the screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, baseUrl, shot, signInAs, assertNoOverflow, thisYear } from './lib.mjs';

const base = baseUrl();
const url = (p) => base + p;
let browser;

before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

const wide = { width: 1366, height: 900 };
const phone = { width: 390, height: 844 };
const toast = (page) => page.locator('#toasts .toast').first().innerText();
const iso = (d) => d.toISOString().slice(0, 10);
const inDays = (n) => iso(new Date(Date.now() + n * 86_400_000));

test('the annual check from notice to 通报', { timeout: 300_000 }, async () => {
  const jw = (await signInAs(browser, 'jw_staff', { viewport: wide, acceptDialogs: true })).page;

  // ---- the campaign: phases, units, the notice, the spot check, the group, the standard
  await jw.goto(url('/inspection'));
  const title = `${thisYear}年度责任制检查考核（全流程测试${Date.now() % 100000}）`;
  await jw.fill('#year', String(thisYear));
  await jw.fill('#title', title);
  await Promise.all([jw.waitForURL(/\/inspection\/\d+$/), jw.click('form[action="/inspection"] button[type=submit]')]);
  const campaignUrl = jw.url();
  const id = campaignUrl.match(/(\d+)$/)[1];
  const ends = jw.locator('#edit-form input[name=phase_end]');
  await ends.nth(1).fill(inDays(30));
  await Promise.all([jw.waitForURL(campaignUrl), jw.click('#edit-form button[type=submit]')]);
  assert.match(await toast(jw), /已保存/);
  for (const box of await jw.locator('#units-form input[name=kinds]').all()) await box.uncheck();
  await jw.locator('#units-form input[name=kinds][value=party_group]').check();
  await Promise.all([jw.waitForURL(campaignUrl), jw.click('#units-form button[type=submit]')]);
  await jw.locator('#units a', { hasText: '某某县教育局' }).waitFor();
  await jw.fill('#doc_number', `某纪发〔${thisYear}〕31号`);
  await Promise.all([jw.waitForURL(campaignUrl), jw.click('#issue-form button[type=submit]')]);
  assert.match(await jw.locator('#campaign-status').innerText(), /进行中/);
  const notice = await jw.request.get(url(`/inspection/${id}/notice.docx`));
  assert.equal(notice.status(), 200);
  assert.equal((await notice.body()).subarray(0, 2).toString(), 'PK');

  await jw.locator('#spot-form input[name=rule][value=list]').check();
  await jw.locator('#spot-form label', { hasText: '某某县教育局' }).locator('input').check();
  await Promise.all([jw.waitForURL(campaignUrl), jw.click('#spot-form button[type=submit]')]);
  await jw.fill('#group-form #name', '第一检查组');
  const zhang = await jw.locator('#leader_id option', { hasText: '张淑芬' }).first().getAttribute('value');
  await jw.selectOption('#leader_id', zhang);
  await jw.locator('#group-form label', { hasText: '陈立新' }).locator('input').check();
  await jw.locator('#group-form label', { hasText: '某某县教育局' }).locator('input').check();
  await jw.fill('#group-form #visit_on', inDays(7));
  await Promise.all([jw.waitForURL(campaignUrl), jw.click('#group-form button[type=submit]')]);
  assert.match(await jw.locator('.group').first().innerText(), /张淑芬/);
  await shot(jw, 'cycle-01-campaign');

  await Promise.all([jw.waitForURL(url(`/inspection/${id}/results`)), jw.click('#results-link')]);
  await jw.selectOption('#standard_id', { index: 1 });
  await Promise.all([jw.waitForURL(url(`/inspection/${id}/results`)), jw.click('#pick-form button[type=submit]')]);
  await shot(jw, 'cycle-02-results-empty');
  await jw.goto(campaignUrl);
  const unitUrl = url(await jw.locator('#units a', { hasText: '某某县教育局' }).getAttribute('href'));

  // ---- 教育局: the self-check drafted from its records, its self-score, submitted
  const dw = (await signInAs(browser, 'dw_jyj', { viewport: wide })).page;
  await dw.goto(unitUrl);
  await Promise.all([dw.waitForURL(/\/selfcheck$/), dw.click('#open-selfcheck')]);
  const reportUrl = dw.url();
  await Promise.all([dw.waitForURL(reportUrl), dw.click('#generate')]);
  assert.ok(Number(await dw.locator('#report a.figure[data-key=records_total]').first().innerText()) > 0, 'figures from the records of the year');
  await Promise.all([dw.waitForURL(reportUrl), dw.click('#submit')]);
  assert.match(await dw.locator('#selfcheck-status').innerText(), /已提交/);
  await jw.goto(campaignUrl);
  assert.match(await jw.locator('#units tr', { hasText: '某某县教育局' }).innerText(), /已提交/, 'the organiser sees who has submitted');
  assert.match(await jw.locator('#units tr', { hasText: '某某县财政局' }).innerText(), /未开始/);
  // the self-score: the points follow the counts as they are typed, before saving
  await dw.goto(unitUrl + '/scores');
  const first = dw.locator('fieldset.score-row').first();
  const max = (await first.locator('.row-value').innerText()).trim();
  const deduct = first.locator('input.count[data-kind=deduct]');
  const pts = Number(await deduct.nth(1).getAttribute('data-points')) / 10;
  await deduct.nth(1).fill('1');
  assert.equal((await first.locator('.row-value').innerText()).trim(), String(Number(max) - pts), 'the row follows the count');
  await first.locator('textarea').fill('专题研究只有1次。');
  await Promise.all([dw.waitForURL(/\/scores/), dw.click('#score-form button[type=submit]')]);
  assert.match(await toast(dw), /已保存/);
  assert.equal(await dw.locator('#self-total').count(), 1);
  await assertNoOverflow(dw, 'the self-score');
  await shot(dw, 'cycle-03-self-score');

  // a record already in the system handed in for the first indicator (减负: not uploaded again)
  await dw.goto(unitUrl + '/materials');
  const slot = dw.locator('.material-item[id^="ind-"]').first();
  await slot.locator('summary').click();
  const picker = slot.locator('select[name=ref_kind]');
  const record = await picker.locator('option[value*=":"]').first().getAttribute('value');
  await picker.selectOption(record);
  await Promise.all([dw.waitForURL(/\/materials$/), slot.locator('form').first().locator('button[type=submit]').click()]);
  assert.equal(await dw.locator('.material-item[id^="ind-"]').first().locator('tbody tr').count(), 1, 'filed under the indicator');
  await shot(dw, 'cycle-03b-materials');

  // ---- two inspectors score apart: 张淑芬 (the leader) the first item, 陈立新 the second
  const score = async (page, nth, reason) => {
    await page.goto(unitUrl + '/scores');
    const row = page.locator('fieldset.score-row').first();
    await row.locator('input.count[data-kind=deduct]').nth(nth).fill('1');
    await row.locator('textarea').fill(reason);
    await Promise.all([page.waitForURL(/\/scores/), page.click('#score-form button[type=submit]')]);
    assert.match(await toast(page), /已保存/);
  };
  await score(jw, 0, '年初未专题研究部署。');
  const cz = (await signInAs(browser, 'jcz', { viewport: phone })).page;
  await cz.goto(unitUrl + '/scores');
  assert.equal(await cz.locator('fieldset.score-row').first().locator('.row-materials a').count(), 1, "the unit's material beside the indicator");
  await score(cz, 1, '查阅会议记录，专题研究1次。');
  await assertNoOverflow(cz, 'an inspector on a phone');
  await shot(cz, 'cycle-04-inspector-phone');

  // ---- the leader sees the difference side by side and takes 陈立新's
  await jw.goto(unitUrl + '/reconcile');
  const differ = jw.locator('#compare tr.differ');
  assert.equal(await differ.count(), 1, 'one indicator differs');
  assert.match(await differ.innerText(), /不一致/);
  await differ.locator('select').selectOption({ label: '采用 陈立新 的评分' });
  await differ.locator('textarea').fill('经核实会议记录，专题研究1次，按“不足2次”扣分。');
  await Promise.all([jw.waitForURL(/\/(reconcile|scores)/), jw.click('#reconcile-form button[type=submit]')]);
  assert.match(await toast(jw), /已保存/);
  await jw.goto(unitUrl + '/reconcile');
  const chenTotal = await jw.locator('dl.kv dt', { hasText: '陈立新' }).locator('xpath=following-sibling::dd[1]').innerText();
  assert.equal((await jw.locator('#final-total').innerText()).trim(), chenTotal.trim(), "the final sheet is 陈立新's");
  await assertNoOverflow(jw, 'the reconciliation');
  await shot(jw, 'cycle-05-reconcile');

  // ---- the organiser approves: the grade and the rank, the Excel
  await jw.goto(url(`/inspection/${id}/results`));
  await Promise.all([jw.waitForURL(url(`/inspection/${id}/results`)), jw.click('#approve-form button[type=submit]')]);
  assert.match(await toast(jw), /审定/);
  const result = jw.locator('#results tbody tr', { hasText: '某某县教育局' });
  assert.match(await result.innerText(), /好|较好|一般|差/);
  const xlsx = await jw.request.get(url(`/inspection/${id}/results.xlsx`));
  assert.equal(xlsx.status(), 200);
  assert.equal((await xlsx.body()).subarray(0, 2).toString(), 'PK');
  await shot(jw, 'cycle-06-results');

  // ---- the deduction becomes a finding, told to the unit
  await jw.goto(url(`/inspection/${id}/findings`));
  const ded = jw.locator('#deductions form.deduction', { hasText: '某某县教育局' }).first();
  await ded.locator('select[name=category]').selectOption({ index: 0 });
  await Promise.all([jw.waitForURL(/\/inspection\/findings\/\d+$/), ded.locator('button[type=submit]').click()]);
  const findingUrl = jw.url();
  await Promise.all([jw.waitForURL(findingUrl), jw.click('#notify-form button[type=submit]')]);
  assert.match(await jw.locator('#finding-status').innerText(), /已反馈/);

  // ---- 廉政测评 at 教育局: two codes, two phones
  await jw.goto(url(`/inspection/ballots/campaigns/${id}`));
  const formText = jw.locator('form[action$="/form"] #text');
  if (await formText.count()) {
    if (!(await formText.inputValue()).trim()) await formText.fill('领导班子落实主体责任情况\n主要负责人履行第一责任人职责情况\n总体评价');
    await Promise.all([jw.waitForURL(/\/inspection\/ballots\/campaigns\/\d+$/), jw.click('form[action$="/form"] button[type=submit]')]);
  }
  await jw.selectOption('#unit_id', { label: '某某县教育局' });
  await jw.fill('#count', '2');
  await Promise.all([jw.waitForURL(/\/inspection\/ballots\/meetings\/\d+$/), jw.click('form[action$="/meetings"] button[type=submit]')]);
  const meetingUrl = jw.url();
  await jw.locator('details.ballot-codes summary').click();
  const codes = await jw.locator('.code-list code').allInnerTexts();
  assert.equal(codes.length, 2);
  for (const [k, code] of codes.entries()) {
    const ctx = await browser.newContext({ viewport: phone, locale: 'zh-CN' });
    const ph = await ctx.newPage();
    await ph.goto(url(`/ballot/${code}`));
    const items = ph.locator('fieldset.ballot-item');
    for (let i = 0; i < await items.count(); i++) await items.nth(i).locator('label', { hasText: k === 0 ? '基本满意' : '满意' }).first().click();
    await assertNoOverflow(ph, 'the voting page');
    if (k === 0) await shot(ph, 'cycle-07-ballot-phone');
    await ph.click('button[type=submit]');
    await ph.locator('#ballot-message').waitFor();
    assert.match(await ph.locator('#ballot-message').innerText(), /投票成功/);
    await ctx.close();
  }
  await jw.goto(meetingUrl);
  assert.equal((await jw.locator('#ballot-used').innerText()).trim(), '2');

  // ---- the 通报, drafted from all of it, issued and downloaded
  await jw.goto(url(`/inspection/${id}/bulletin`));
  await Promise.all([jw.waitForURL(url(`/inspection/${id}/bulletin`)), jw.click('#draft-form button[type=submit]')]);
  assert.match(await jw.inputValue('#problems'), /某某县教育局/);
  assert.match(await jw.inputValue('#overview'), /满意率/);
  await shot(jw, 'cycle-08-bulletin');
  await jw.fill('#doc_number', `某纪通〔${thisYear}〕32号`);
  await Promise.all([jw.waitForURL(url(`/inspection/${id}/bulletin`)), jw.click('#bulletin-issue button[type=submit]')]);
  assert.match(await jw.locator('#bulletin-status').innerText(), /已印发/);
  const doc = await jw.request.get(url(`/inspection/${id}/bulletin.docx`));
  assert.equal(doc.status(), 200);
  assert.equal((await doc.body()).subarray(0, 2).toString(), 'PK');

  // ---- 教育局 on its phone: its grade, the finding to correct, the 通报
  const dp = (await signInAs(browser, 'dw_jyj', { viewport: phone })).page;
  await dp.goto(url(`/inspection/${id}/results`));
  assert.match(await dp.locator('#results').innerText(), /某某县教育局/);
  await assertNoOverflow(dp, 'the results on a phone');
  await shot(dp, 'cycle-09-unit-results-phone');
  await dp.goto(url(`/inspection/${id}/bulletin`));
  assert.match(await dp.locator('#bulletin-text').innerText(), /某某县教育局/);
});
