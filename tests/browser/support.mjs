// What the browser tests share: Debian's chromium through playwright-core (never a downloaded
// browser), axe-core in every page, screenshots kept with the test output, and the messages
// the SMTP receiver of scripts/dev-services has kept.
import { createRequire } from 'node:module';
import { readdirSync, readFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

export function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (the tests are started by tests/browser/*.cpp)`);
  return v;
}

// The npm packages are in web/node_modules (scripts/install-deps).
const require = createRequire(join(env('CASEGATE_WEB_DIR'), 'package.json'));
const { chromium } = require('playwright-core');
// Evaluated through the DevTools protocol, which the pages' CSP (no inline script) allows.
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CASEGATE_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           '--no-first-run'],
  });
}

const shots = env('CASEGATE_SCREENSHOTS');
mkdirSync(shots, { recursive: true });
let shotCount = 0;

// Checks the page with axe-core (no serious or critical violation) and saves a screenshot.
export async function check(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  shotCount += 1;
  const file = join(shots, `${String(shotCount).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  assert.deepEqual(bad, [], `axe: serious or critical violations on ${name}`);
}

// Decodes a quoted-printable body (soft line breaks and =XX escapes).
function unquote(body) {
  return Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g,
    (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
}

// Every message kept by the SMTP receiver: { file, to, subject, body, mtime }.
export function messages() {
  const dir = env('CASEGATE_SMTP_MAILDIR');
  const out = [];
  for (const sub of ['new', 'cur']) {
    let names = [];
    try { names = readdirSync(join(dir, sub)); } catch { continue; }
    for (const n of names) {
      const path = join(dir, sub, n);
      const raw = readFileSync(path, 'latin1');
      const split = raw.search(/\r?\n\r?\n/);
      const head = raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
      const header = (h) => (head.match(new RegExp(`^${h}:\\s*(.*)$`, 'mi')) || [])[1] || '';
      let body = raw.slice(split).replace(/^\r?\n\r?\n/, '');
      if (/quoted-printable/i.test(head)) body = unquote(body);
      out.push({ file: n, to: header('To'), subject: header('Subject'), body,
                 mtime: statSync(path).mtimeMs });
    }
  }
  return out.sort((a, b) => a.mtime - b.mtime);
}

// Waits (up to 30 s: the daemon sends the outbox) for a message to `to` matching `pred`.
export async function waitForMail(to, pred = () => true, timeoutMs = 30000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = messages().filter((m) => m.to.toLowerCase().includes(to.toLowerCase()) && pred(m));
    if (found.length > 0) return found[found.length - 1];
    if (Date.now() > end) throw new Error(`no message to ${to} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// Signs `email` in through the emailed link; returns on the working list.
export async function signIn(page, base, email) {
  const seen = new Set(messages().map((m) => m.file));
  await page.goto(base);
  await page.getByLabel('Your work email address').fill(email);
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();
  const mail = await waitForMail(email, (m) => /sign in/i.test(m.subject) && !seen.has(m.file));
  const link = mail.body.match(/https?:\/\/\S+\/sign-in\/[0-9a-f]+/)[0];
  await page.goto(link);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /^Cases/ }).waitFor();
  return link;
}
