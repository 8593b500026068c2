// Drives a real pgAdmin 4 (already running, our server registered as the only server) in headless Chromium:
// connect, expand the object tree down to a table's columns, open its Properties, run a query in the Query Tool.
// Usage: node pgadmin.js <pgadmin-url> <server-name> <password> <database> <schema> <table> <column> <screenshots-dir>
// Prints one JSON line per step: {"step": …, "ok": true, …}; on failure {"step": …, "ok": false, "error": …} and exits 1.
const { chromium } = require('playwright-core');

const [url, serverName, password, database, schema, table, column, shots] = process.argv.slice(2);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

function report(step, extra = {}) {
  console.log(JSON.stringify({ step, ok: true, ...extra }));
}

async function alerts(page) {
  // pgAdmin shows errors as notistack toasts and in error panels
  return page.locator('.notistack-SnackbarContainer, [role="alert"], .pgadmin-notifier').allInnerTexts();
}

function entry(page, name) {
  return page.locator('.file-entry', { has: page.locator('.file-name', { hasText: new RegExp(`^${name}$`) }) }).first();
}

async function expand(page, name, child, timeout = 60000) {
  // pgAdmin may be opening a node by itself (it auto-expands a lone server and its database): click the
  // toggle only while the node is closed, until the child shows
  const item = entry(page, name);
  await item.waitFor({ timeout });
  const deadline = Date.now() + timeout;
  while (!(await entry(page, child).isVisible().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${name} did not show ${child}`);
    const toggle = item.locator('.directory-toggle');
    if (!((await toggle.getAttribute('class')) || '').includes('open')) await toggle.click();
    await page.waitForTimeout(1000);
  }
}

(async () => {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  let step = 'open';
  try {
    await page.goto(`${url}/browser/`);
    await entry(page, 'Servers').waitFor({ timeout: 60000 });
    report(step);

    step = 'connect';
    await expand(page, 'Servers', serverName);
    const passwordBox = page.locator('.MuiDialog-root input[type="password"]').first();
    // pgAdmin expands (and so connects to) the only server by itself; otherwise click it open
    if (!(await passwordBox.waitFor({ timeout: 20000 }).then(() => true, (e) => { console.error(String(e)); return false; }))) {
      await entry(page, serverName).locator('.directory-toggle').click();
    }
    await passwordBox.waitFor({ timeout: 30000 });
    await passwordBox.fill(password);
    await passwordBox.press('Enter');
    await entry(page, 'Databases').waitFor({ timeout: 60000 });
    report(step);

    step = 'tree';
    await expand(page, 'Databases', database);
    await expand(page, database, 'Schemas');
    await expand(page, 'Schemas', schema);
    await expand(page, schema, 'Tables');
    await expand(page, 'Tables', table);
    await expand(page, table, 'Columns');
    await expand(page, 'Columns', column);
    const columns = await page.locator('.file-entry.depth-10 .file-name, .file-entry .file-name').allInnerTexts();
    report(step, { entries: columns.length });

    step = 'properties';
    await entry(page, table).locator('.file-name').click();
    await page.locator('.dock-tab-btn[id$="-tab-id-properties"]').first().click();
    // the Properties form is filled from pgAdmin's properties query: wait for the table's name and OID
    const values = await page.waitForFunction((name) => {
      const inputs = [...document.querySelectorAll('input')].map((i) => i.value);
      const at = inputs.indexOf(name);
      return at >= 0 && /^[0-9]+$/.test(inputs[at + 1] || '') ? inputs.filter((v) => v) : null;
    }, table, { timeout: 60000 }).then((handle) => handle.jsonValue());
    await page.screenshot({ path: `${shots}/properties.png` });
    report(step, { values });

    step = 'query_tool';
    await page.getByRole('button', { name: 'Tools' }).click();
    await page.getByRole('menuitem', { name: /Query Tool/ }).click();
    // the Query Tool may open inside an iframe of the tab: look in every frame
    let tool = null;
    for (let waited = 0; !tool && waited < 60; waited += 1) {
      for (const frame of page.frames()) {
        if (await frame.locator('.cm-editor .cm-content').count().catch(() => 0)) {
          const visible = await frame.locator('.cm-editor .cm-content').last().isVisible().catch(() => false);
          if (visible && frame !== page.mainFrame()) tool = frame;
        }
      }
      if (!tool) await page.waitForTimeout(1000);
    }
    if (!tool) tool = page.mainFrame();
    const editor = tool.locator('.cm-editor .cm-content').last();
    await editor.click();
    await page.keyboard.type(`SELECT "${column}" FROM "${schema}"."${table}" ORDER BY "Id" LIMIT 3`);
    await page.keyboard.press('F5');
    const cell = tool.locator('.rdg-row .rdg-cell').nth(3);
    await cell.waitFor({ timeout: 60000 });
    await page.waitForTimeout(1000);
    const cells = await tool.locator('.rdg-row .rdg-cell').allInnerTexts();
    await page.screenshot({ path: `${shots}/query_tool.png` });
    report(step, { cells });
    const problems = (await alerts(page)).filter((t) => t.trim());
    report('alerts', { problems });
  } catch (err) {
    await page.screenshot({ path: `${shots}/failure-${step}.png` }).catch(() => {});
    const problems = await alerts(page).catch(() => []);
    console.log(JSON.stringify({ step, ok: false, error: String(err).slice(0, 2000), problems }));
    await browser.close();
    process.exit(1);
  }
  await browser.close();
})();
