// The public referral form in Debian's chromium, against the real form service started by
// tests/browser/form_browser_test.cpp (which then has the daemon pull what was sent):
//   CASEGATE_FORM_URL   the form service
//   CASEGATE_DOCUMENT   a PDF to attach
// Fill the form, leave a required field out and see the error summary and the field's error;
// reload and find the answers kept by the browser; check the answers; send without accepting
// the declaration, then with it and a document; see the receipt and the saved answers gone.
// Each page is checked by axe-core and photographed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { env, launch, check } from './support.mjs';

const base = env('CASEGATE_FORM_URL');
const documentPath = env('CASEGATE_DOCUMENT');

test('a referrer sends a referral through the public form', async (t) => {
  const browser = await launch();
  t.after(() => browser.close());
  const page = await (await browser.newContext()).newPage();
  const draft = () => page.evaluate(() => window.localStorage.getItem('casegate-referral-draft'));

  await t.test('the form, filled in with one required answer left out', async () => {
    await page.goto(base);
    await check(page, 'form');
    // The script says that answers are kept in the browser.
    assert.equal(await page.locator('#draft-note').isVisible(), true);
    await page.getByLabel("Doctor's full name").fill('Dana Web-Doctor');
    await page.getByLabel('GMC number').fill('7089012');
    await page.getByLabel('Your name').fill('Sam Supervisor');
    await page.getByLabel('Your email').fill('sam.browser@trust.example.nhs.uk');
    await page.getByLabel('Educational Supervisor').check();
    await page.getByLabel('Professional').check();
    await page.getByLabel('Conduct').check();
    await page.getByLabel('Coaching').check();
    assert.match(await draft(), /Dana Web-Doctor/);
    await page.getByRole('button', { name: 'Continue' }).click();
    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    assert.match(await page.title(), /^Error: /);
    const link = summary.getByRole('link', { name: 'Enter details of the concern' });
    assert.equal(await link.getAttribute('href'), '#details');
    assert.match(await page.locator('#details-error').innerText(), /Enter details of the concern/);
    // What was typed is still there.
    assert.equal(await page.getByLabel("Doctor's full name").inputValue(), 'Dana Web-Doctor');
    await check(page, 'form-errors');
    // The top of the page as the README shows it (docs/form.png).
    await page.setViewportSize({ width: 1280, height: 1100 });
    await page.screenshot({ path: join(env('CASEGATE_SCREENSHOTS'), 'form-top.png') });
  });

  await t.test('a reload brings the saved answers back', async () => {
    await page.goto(base);  // a fresh, empty form from the server
    assert.equal(await page.getByLabel("Doctor's full name").inputValue(), 'Dana Web-Doctor');
    assert.equal(await page.getByLabel('GMC number').inputValue(), '7089012');
    assert.equal(await page.getByLabel('Professional').isChecked(), true);
    assert.equal(await page.getByLabel('Coaching').isChecked(), true);
    assert.equal(await page.getByLabel('Exam support').isChecked(), false);
  });

  await t.test('check your answers, and the declaration is needed', async () => {
    await page.getByLabel('Details of the concern').fill('Missed three night shifts in a row.');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Check your answers before sending your referral' })
      .waitFor();
    assert.match(await page.locator('#answers').innerText(), /Missed three night shifts/);
    await check(page, 'check-answers');
    await page.getByRole('button', { name: 'Accept and send' }).click();
    await page.locator('.nhsuk-error-summary').waitFor();
    assert.match(await page.locator('.nhsuk-error-summary').innerText(),
                 /Confirm that you accept the terms and conditions/);
    await check(page, 'check-answers-error');
  });

  await t.test('sent with a document: the receipt, and the saved answers are gone', async () => {
    await page.getByLabel('Supporting documents').setInputFiles(documentPath);
    await page.locator('#terms').check();
    await page.getByRole('button', { name: 'Accept and send' }).click();
    await page.getByRole('heading', { name: 'Referral sent' }).waitFor();
    const receipt = (await page.locator('#receipt strong').innerText()).trim();
    assert.match(receipt, /^\d{8}-\d{6}-\d{6}-[0-9A-F]{6}$/);
    assert.equal(await draft(), null);
    await check(page, 'receipt');
    // A new form starts empty.
    await page.goto(base);
    assert.equal(await page.getByLabel("Doctor's full name").inputValue(), '');
    console.log(`receipt ${receipt}`);
  });
});
