// The staff console in Debian's chromium, against the real console, daemon, PostgreSQL and SMTP
// receiver started by tests/browser/console_browser_test.cpp, which made the cases first:
//   CASEGATE_CASE       an East of England case, submitted by CASEGATE_REFERRER
//   CASEGATE_SEARCHED   another East of England case, about the doctor CASEGATE_SEARCH
//   CASEGATE_OTHER_CASE an East Midlands case
// Each page is checked by axe-core and photographed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, launch, check, signIn, waitForMail, messages } from './support.mjs';

const base = env('CASEGATE_CONSOLE_URL');
const admin = env('CASEGATE_ADMIN');
const caseManager = env('CASEGATE_CASE_MANAGER');
const ref = env('CASEGATE_CASE');
const searched = env('CASEGATE_SEARCHED');
const other = env('CASEGATE_OTHER_CASE');
const referrer = env('CASEGATE_REFERRER');

test('an admin runs a case from the working list in the browser', async (t) => {
  const browser = await launch();
  t.after(() => browser.close());
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();

  await t.test('sign-in page, then the link emailed to the member', async () => {
    await page.goto(base);
    await check(page, 'sign-in');
    await signIn(page, base, admin);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === '__Host-casegate');
    assert.ok(session, 'session cookie set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.secure, true);
    assert.equal(session.sameSite, 'Strict');
  });

  await t.test('the working list: counts, search and filters', async () => {
    await check(page, 'cases');
    const rows = page.locator('table.console-cases tbody tr');
    await assert.doesNotReject(rows.first().waitFor());
    const listed = await page.locator('table.console-cases tbody td:first-child').allInnerTexts();
    assert.ok(listed.includes(ref) && listed.includes(searched), `listed: ${listed}`);
    assert.ok(!listed.includes(other), "another office's case is not listed");
    assert.match(await page.locator('.console-counts').innerText(), /Submitted: 2/);

    await page.getByLabel("Search reference, doctor's name, GMC number or referrer")
      .fill(env('CASEGATE_SEARCH'));
    await page.getByRole('button', { name: 'Apply' }).click();
    assert.deepEqual(await page.locator('table.console-cases tbody td:first-child').allInnerTexts(),
                     [searched]);
    await check(page, 'cases-searched');

    await page.goto(base);
    await page.getByLabel('Status', { exact: true }).selectOption('accepted');
    await page.getByRole('button', { name: 'Apply' }).click();
    assert.match(await page.locator('main').innerText(), /No cases match/);
    assert.match(page.url(), /status=accepted/);

    // The CSV is what the page shows: a header row and one row per case.
    const csv = await page.request.get(`${base}/cases.csv`);
    assert.equal(csv.status(), 200);
    assert.match(csv.headers()['content-type'], /text\/csv/);
    const lines = (await csv.text()).trim().split(/\r?\n/);
    assert.equal(lines.length, 3);
    assert.ok(lines.some((l) => l.startsWith(ref)));
  });

  await t.test('open a case and accept it: the referrer is told', async () => {
    await page.goto(base);
    await page.getByRole('link', { name: ref, exact: true }).click();
    await page.getByRole('heading', { name: `Case ${ref}` }).waitFor();
    assert.equal(await page.locator('#case-status').innerText(), 'Submitted');
    await check(page, 'case');
    await page.getByRole('button', { name: 'Accept the referral' }).click();
    await assert.doesNotReject(page.locator('.console-flash').waitFor());
    const flash = await page.locator('.console-flash').innerText();
    assert.match(flash, /accepted/i);
    assert.match(flash, /referrer/i);
    assert.equal(await page.locator('#case-status').innerText(), 'Accepted');
    await check(page, 'case-accepted');
    const mail = await waitForMail(referrer, (m) => m.subject.includes(ref) &&
                                   /accepted/i.test(m.subject + m.body));
    assert.ok(mail.body.includes(ref));
  });

  await t.test('assign a case manager: she is told', async () => {
    await page.getByText('Assign a case manager').click();
    await page.getByLabel('Case manager', { exact: true }).selectOption(caseManager);
    await page.getByRole('button', { name: 'Assign' }).click();
    await page.locator('.console-flash').waitFor();
    assert.match(await page.locator('.console-flash').innerText(), /assigned/i);
    assert.notEqual(await page.locator('#case-manager').innerText(), 'None yet');
    const mail = await waitForMail(caseManager, (m) => m.subject.includes(ref));
    assert.ok(mail.body.includes(`${base}/cases/${ref}`), 'the email links to the case');
  });

  await t.test('upload a document and download it again', async () => {
    const content = Buffer.from(`Meeting notes for ${ref}\n`);
    await page.getByText('Upload a document').click();
    await page.getByLabel(/^Document/).setInputFiles({ name: 'meeting-notes.txt',
                                                       mimeType: 'text/plain', buffer: content });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.locator('.console-flash').waitFor();
    assert.match(await page.locator('.console-flash').innerText(), /meeting-notes\.txt/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#documents').getByRole('link', { name: 'meeting-notes.txt' }).click(),
    ]);
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    assert.deepEqual(readFileSync(path), content);
    await check(page, 'case-with-document');
  });

  await t.test("another office's case by its URL is not found", async () => {
    const answer = await page.goto(`${base}/cases/${other}`);
    assert.equal(answer.status(), 404);
    await check(page, 'not-found');
    const doctor = await page.goto(`${base}/doctors/7000003`);
    assert.equal(doctor.status(), 404);
  });

  await t.test('a change without the CSRF token is refused and changes nothing', async () => {
    const refused = await page.request.post(`${base}/cases/${ref}/actions`,
      { form: { change: 'review' }, maxRedirects: 0 });
    assert.equal(refused.status(), 403);
    const wrong = await page.request.post(`${base}/cases/${ref}/actions`,
      { form: { change: 'review', csrf: '0'.repeat(64) }, maxRedirects: 0 });
    assert.equal(wrong.status(), 403);
    await page.goto(`${base}/cases/${ref}`);
    assert.equal(await page.locator('#case-status').innerText(), 'Accepted');
  });

  await t.test('the audit log shows the views and changes', async () => {
    await page.getByText('Who viewed and changed this case').click();
    const audit = await page.locator('#audit').innerText();
    assert.match(audit, /viewed/i);
    assert.match(audit, /accept/i);
  });

  await t.test("the doctor's cases, held items, revalidation and reports pages", async () => {
    await page.goto(`${base}/cases/${ref}`);
    await page.getByRole('link', { name: 'Every case about this doctor' }).click();
    assert.match(await page.locator('main').innerText(), new RegExp(ref));
    await check(page, 'doctor');
    await page.getByRole('link', { name: 'Held for review' }).click();
    await page.getByRole('heading', { name: 'Held for review' }).waitFor();
    await check(page, 'held');
    await page.getByRole('link', { name: 'Revalidation' }).click();
    await page.getByRole('heading', { name: /^Revalidation/ }).waitFor();
    await check(page, 'revalidation');
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: /^Reports/ }).waitFor();
    const chart = page.locator('#by-route ~ figure svg, section[aria-labelledby="by-route"] svg');
    assert.match(await chart.first().textContent(), /Professional/);
    await check(page, 'reports');
  });

  await t.test('the case manager follows the link in her email to the case', async () => {
    const mail = await waitForMail(caseManager, (m) => m.subject.includes(ref));
    const link = mail.body.match(/https?:\/\/\S+\/cases\/CG-[0-9-]+/)[0];
    const own = await browser.newContext();
    const p = await own.newPage();
    const first = await p.goto(link);
    assert.equal(first.status(), 401);
    const seen = new Set(messages().map((m) => m.file));
    await p.getByLabel('Your work email address').fill(caseManager);
    await p.getByRole('button', { name: 'Email me a sign-in link' }).click();
    const signIn = await waitForMail(caseManager, (m) => /sign in/i.test(m.subject) && !seen.has(m.file));
    await p.goto(signIn.body.match(/https?:\/\/\S+\/sign-in\/[0-9a-f]+/)[0]);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { name: `Case ${ref}` }).waitFor();
    // Hers to work on: the changes a case manager may make, not an admin's.
    assert.equal(await p.getByRole('button', { name: 'Start the review' }).count(), 1);
    assert.equal(await p.getByText('Assign a case manager').count(), 0);
    await check(p, 'case-manager-case');
    await own.close();
  });

  await t.test('sign-out ends the session', async () => {
    const cookie = (await context.cookies()).find((c) => c.name === '__Host-casegate');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to case management' }).waitFor();
    await page.goto(`${base}/cases/${ref}`);
    await page.getByRole('heading', { name: 'Sign in to case management' }).waitFor();
    // The old cookie, sent again, opens nothing.
    const stale = await browser.newContext();
    await stale.addCookies([{ ...cookie }]);
    const p = await stale.newPage();
    await p.goto(`${base}/cases/${ref}`);
    assert.match(await p.locator('h1').innerText(), /Sign in/);
    await stale.close();
  });
});
