#!/usr/bin/env node
// Browser check for foc-graph's offline GraphiQL page.
//
//   node graphiql.mjs BASE_URL EXPECTED_TEXT
//
// Opens BASE_URL in headless Chromium (CHROMIUM env var, default
// /usr/bin/chromium), fails if the page requests anything from another host,
// waits for GraphiQL to render, runs the default query with the execute button
// and waits until the result pane contains EXPECTED_TEXT.
// Prints "browser: ok" and exits 0 on success; prints the reason and exits 1
// otherwise.
import { chromium } from 'playwright-core';

const TIMEOUT_MS = 20_000;
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const EDITOR = '.graphiql-container .graphiql-query-editor';
const EXECUTE_BUTTON = 'button.graphiql-execute-button';
const RESULT_PANES = ['.graphiql-response', '.result-window'];

class Failure extends Error {}

function fail(reason) {
  throw new Failure(reason);
}

function parseArgs() {
  const [baseArg, expected] = process.argv.slice(2);
  if (!baseArg || expected === undefined || expected === '') {
    fail('usage: node graphiql.mjs BASE_URL EXPECTED_TEXT');
  }
  let base;
  try {
    base = new URL(baseArg);
  } catch {
    fail(`BASE_URL is not a valid URL: ${baseArg}`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    fail(`BASE_URL must be http(s): ${baseArg}`);
  }
  return { base, expected };
}

// Requests that never leave the browser (inline data, blobs, about:blank...).
function isLocalScheme(url) {
  return !/^(https?|wss?|ftp):$/.test(url.protocol);
}

async function readResultPane(page) {
  return page.evaluate((selectors) => {
    for (const selector of selectors) {
      const pane = document.querySelector(selector);
      if (!pane) continue;
      // GraphiQL 4's result pane is a CodeMirror 5 editor; read its full value
      // (the DOM only holds the lines in view), fall back to the visible text.
      const cm = pane.querySelector('.CodeMirror');
      if (cm && cm.CodeMirror && typeof cm.CodeMirror.getValue === 'function') {
        return cm.CodeMirror.getValue();
      }
      return pane.innerText || pane.textContent || '';
    }
    return null;
  }, RESULT_PANES);
}

async function run(browserRef, diagnostics) {
  const { base, expected } = parseArgs();
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

  const foreign = [];
  const badResponses = [];

  let browser;
  try {
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: TIMEOUT_MS,
    });
  } catch (err) {
    fail(`could not launch Chromium at ${executablePath}: ${err.message.split('\n')[0]}`);
  }
  browserRef.browser = browser;

  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);

  const checkHost = (request) => {
    let url;
    try {
      url = new URL(request.url());
    } catch {
      return true;
    }
    if (isLocalScheme(url) || url.host === base.host) return true;
    foreign.push(`${request.method()} ${request.url()}`);
    return false;
  };
  page.on('request', checkHost);
  // Never let a foreign request reach the network, whatever issued it.
  await context.route(
    (url) => !isLocalScheme(url) && url.host !== base.host,
    (route) => route.abort('blockedbyclient'),
  );
  page.on('response', (response) => {
    const type = response.request().resourceType();
    if (response.status() >= 400 && ['document', 'script', 'stylesheet'].includes(type)) {
      badResponses.push(`${response.status()} ${type} ${response.url()}`);
    }
  });
  page.on('pageerror', (err) => diagnostics.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') diagnostics.push(`console error: ${msg.text()}`);
  });
  page.on('requestfailed', (request) => {
    diagnostics.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
  });

  const response = await page.goto(base.href, { waitUntil: 'load', timeout: TIMEOUT_MS }).catch((err) => {
    fail(`could not open ${base.href}: ${err.message.split('\n')[0]}`);
  });
  if (!response || !response.ok()) {
    fail(`GET ${base.href} answered ${response ? response.status() : 'nothing'}`);
  }

  try {
    await page.waitForSelector(`${EDITOR} .CodeMirror`, { state: 'visible', timeout: TIMEOUT_MS });
  } catch {
    if (badResponses.length) fail(`GraphiQL did not render; failed asset loads: ${badResponses.join('; ')}`);
    fail(`GraphiQL query editor (${EDITOR}) did not render within ${TIMEOUT_MS / 1000} s`);
  }
  if (badResponses.length) fail(`failed asset loads: ${badResponses.join('; ')}`);

  const query = await page.evaluate((sel) => {
    const cm = document.querySelector(`${sel} .CodeMirror`);
    return cm && cm.CodeMirror ? cm.CodeMirror.getValue() : null;
  }, EDITOR);
  if (query !== null && query.trim() === '') fail('the query editor is empty (defaultQuery not applied?)');

  const button = page.locator(EXECUTE_BUTTON).first();
  try {
    await button.waitFor({ state: 'visible', timeout: TIMEOUT_MS });
    await button.click({ timeout: TIMEOUT_MS });
  } catch {
    // Fallback: Ctrl-Enter in the query editor.
    diagnostics.push(`execute button ${EXECUTE_BUTTON} not clickable; used Ctrl-Enter`);
    await page.click(`${EDITOR} .CodeMirror`);
    await page.keyboard.press('Control+Enter');
  }

  const deadline = Date.now() + TIMEOUT_MS;
  let last = null;
  while (Date.now() < deadline) {
    last = await readResultPane(page);
    if (last !== null && last.includes(expected)) break;
    await page.waitForTimeout(200);
  }
  if (last === null || !last.includes(expected)) {
    const shown = last === null ? 'no result pane found' : `result pane shows: ${JSON.stringify(last.slice(0, 500))}`;
    fail(`result pane did not contain ${JSON.stringify(expected)} within ${TIMEOUT_MS / 1000} s; ${shown}`);
  }

  if (foreign.length) {
    fail(`page requested other hosts than ${base.host}: ${foreign.join('; ')}`);
  }
}

const browserRef = { browser: null };
const diagnostics = [];
let exitCode = 0;
try {
  await run(browserRef, diagnostics);
  console.log('browser: ok');
} catch (err) {
  exitCode = 1;
  const reason = err instanceof Failure ? err.message : `unexpected error: ${err.stack || err}`;
  console.error(`browser: FAILED: ${reason}`);
  for (const line of diagnostics) console.error(`  ${line}`);
} finally {
  if (browserRef.browser) {
    await Promise.race([
      browserRef.browser.close().catch(() => {}),
      new Promise((resolve) => setTimeout(resolve, 5_000)),
    ]);
  }
}
process.exit(exitCode);
