// A user at a browser: `node login_approve.mjs URL [approve|deny]`, run by `pgserver login` as its $BROWSER
// (tests/commands/test_login_browser.py).
// Opens the Sage ID sign-in page in headless Debian chromium (playwright-core), clicks the button, follows the
// redirect back to pgserver's loopback listener and writes what that page said to $LOGIN_BROWSER_RESULT.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [url, choice = 'approve'] = process.argv.slice(2);
const result = process.env.LOGIN_BROWSER_RESULT;
// The flags that work on these machines (no network beyond loopback, running as root).
const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
              '--disable-component-update', '--disable-sync'];
const profile = mkdtempSync(join(tmpdir(), 'login-browser-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args,
});
try {
  const page = context.pages()[0] ?? await context.newPage();
  await page.goto(url);
  const user = await page.textContent('#email');
  await page.getByRole('button', { name: choice === 'deny' ? 'Deny' : 'Approve' }).click();
  await page.waitForURL(/\/callback\?/, { timeout: 60000 });
  const message = await page.textContent('#message', { timeout: 60000 });
  const outcome = { user, title: await page.title(), message, landed: page.url().split('?')[0] };
  if (result) writeFileSync(result, JSON.stringify(outcome));
  process.stderr.write(`[browser] ${outcome.title}: ${outcome.message}\n`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
