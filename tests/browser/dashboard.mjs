#!/usr/bin/env node
// Browser check of foc-graph's dashboard.
//
//   node dashboard.mjs BASE_URL SCREENSHOT_PATH
//
// Opens BASE_URL/dashboard in headless Chromium (CHROMIUM env var, default
// /usr/bin/chromium) with every request to another host refused and reported; waits for
// the charts of the default date, checks the numbers drawn against the API's own answers,
// changes the date and checks again; then saves a screenshot of the page and decodes the
// membership chart's part of it to make sure a chart was drawn (enough pixels that are
// neither background nor one flat colour). Prints "dashboard: ok" on success.
import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const TIMEOUT_MS = 20_000;
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const DAYS = ['2014-01-16', '2020-06-30'];

class Failure extends Error {}
const fail = (reason) => { throw new Failure(reason); };

const [baseArg, screenshotPath] = process.argv.slice(2);
if (!baseArg || !screenshotPath) fail('usage: node dashboard.mjs BASE_URL SCREENSHOT_PATH');
const base = new URL(baseArg);
const isLocalScheme = (url) => !/^(https?|wss?|ftp):$/.test(url.protocol);

async function api(query, variables) {
  const response = await fetch(new URL('/graphql', base), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const answer = await response.json();
  if (answer.errors) fail(`the API refused the check's query: ${JSON.stringify(answer.errors)}`);
  return answer.data;
}

// What the page should show for a day, asked of the API directly.
async function expected(day) {
  const data = await api(`query($day: Date!, $from: Date!) { coalition {
      snapshot(on: $day) { memberCount uncertainMemberCount members(first: 100) { nodes { region } } }
      memberCount(on: $day)
      membershipTimeline(from: $from, to: $day, interval: QUARTER) { date members } } }`,
  { day, from: '2011-12-31' });
  const snapshot = data.coalition.snapshot;
  const regions = {};
  for (const state of snapshot.members.nodes) regions[state.region] = (regions[state.region] ?? 0) + 1;
  const points = data.coalition.membershipTimeline;
  return {
    memberCount: String(snapshot.memberCount),
    uncertainMemberCount: String(snapshot.uncertainMemberCount),
    memberCountOn: data.coalition.memberCount,
    regions,
    lastTimelinePoint: String(points.at(-1)?.members ?? ''),
  };
}

async function shown(page) {
  return page.evaluate(() => {
    const text = (selector) => document.querySelector(selector)?.textContent ?? null;
    const regions = {};
    for (const row of document.querySelectorAll('[data-table="regions"] tr')) {
      const [region, count] = [...row.children].map((td) => td.textContent);
      if (Number(count) > 0) regions[region] = Number(count);
    }
    return {
      memberCount: text('[data-figure="memberCount"]'),
      uncertainMemberCount: text('[data-figure="uncertainMemberCount"]'),
      regions,
      lastTimelinePoint: document.querySelector('#timeline .chart')?.dataset.lastMembers ?? null,
      stateRows: document.querySelectorAll('[data-table="states"] tr').length,
      csv: document.querySelector('#members .links a[download]')?.href ?? null,
      graphiql: document.querySelector('#members .links a:not([download])')?.href ?? null,
      queryShown: document.querySelector('#members details pre')?.textContent ?? '',
    };
  });
}

async function run(browserRef, diagnostics) {
  const foreign = [];
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true, args: CHROMIUM_ARGS, timeout: TIMEOUT_MS,
  });
  browserRef.browser = browser;
  const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 1200, height: 1800 } });
  await context.route((url) => !isLocalScheme(url) && url.host !== base.host, (route) => {
    foreign.push(route.request().url());
    route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  page.on('pageerror', (err) => diagnostics.push(`page error: ${err.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') diagnostics.push(`console error: ${msg.text()}`); });

  const response = await page.goto(new URL('/dashboard', base).href, { waitUntil: 'load' });
  if (!response?.ok()) fail(`GET /dashboard answered ${response?.status()}`);

  for (const [index, day] of DAYS.entries()) {
    if (index > 0) {
      await page.fill('#day', day);
      await page.dispatchEvent('#day', 'change');
    }
    await page.waitForSelector(`body[data-shown="${day}"]`).catch(async () => {
      fail(`the dashboard did not show ${day}: ${await page.textContent('#status')}`);
    });
    const want = await expected(day);
    const got = await shown(page);
    if (want.memberCount !== String(want.memberCountOn)) fail(`the API disagrees with itself on ${day}`);
    for (const key of ['memberCount', 'uncertainMemberCount', 'lastTimelinePoint']) {
      if (got[key] !== want[key]) fail(`${day}: the page shows ${key} ${got[key]}, the API ${want[key]}`);
    }
    const sorted = (counts) => JSON.stringify(Object.entries(counts).sort());
    if (sorted(got.regions) !== sorted(want.regions)) {
      fail(`${day}: members by region shown ${JSON.stringify(got.regions)}, the API ${JSON.stringify(want.regions)}`);
    }
    if (got.stateRows !== Number(want.memberCount)) fail(`${day}: ${got.stateRows} member rows for ${want.memberCount} members`);
    if (!got.queryShown.includes('snapshot(on: $day)')) fail('the members query is not shown');
    // The CSV link answers the section's table.
    const csv = await (await fetch(got.csv)).text();
    if (!csv.startsWith('coalition.snapshot.memberCount,')) fail(`the CSV link answered: ${csv.slice(0, 200)}`);
    if (csv.trim().split('\r\n').length !== Number(want.memberCount) + 1) fail(`the CSV has the wrong rows: ${csv.slice(0, 300)}`);
    if (!new URL(got.graphiql).searchParams.get('query')?.includes('snapshot')) fail(`the GraphiQL link is ${got.graphiql}`);
    console.log(`dashboard: ${day}: ${got.memberCount} members (+${got.uncertainMemberCount} uncertain), regions ${JSON.stringify(got.regions)}`);
  }

  // A drawn chart: the screenshot's part showing the membership chart has marks.
  const png = await page.screenshot({ fullPage: true });
  writeFileSync(screenshotPath, png);
  const box = await page.locator('#timeline .chart canvas').first().boundingBox();
  if (!box) fail('the membership chart has no canvas');
  const marks = await page.evaluate(async ({ b64, box }) => {
    const image = new Image();
    image.src = `data:image/png;base64,${b64}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(box.width);
    canvas.height = Math.round(box.height);
    const context = canvas.getContext('2d');
    context.drawImage(image, box.x, box.y, box.width, box.height, 0, 0, box.width, box.height);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      if (pixels[i] < 200 || pixels[i + 1] < 200 || pixels[i + 2] < 200) inked += 1;
    }
    return { inked, total: pixels.length / 4 };
  }, { b64: png.toString('base64'), box });
  if (marks.inked < marks.total * 0.005) fail(`the membership chart looks blank: ${marks.inked} of ${marks.total} pixels inked`);
  console.log(`dashboard: membership chart ${marks.inked} of ${marks.total} pixels inked; screenshot ${screenshotPath}`);
  if (foreign.length) fail(`the page asked other hosts: ${foreign.join('; ')}`);
}

const browserRef = { browser: null };
const diagnostics = [];
let exitCode = 0;
try {
  await run(browserRef, diagnostics);
  console.log('dashboard: ok');
} catch (err) {
  exitCode = 1;
  console.error(`dashboard: FAILED: ${err instanceof Failure ? err.message : err.stack || err}`);
  for (const line of diagnostics) console.error(`  ${line}`);
} finally {
  if (browserRef.browser) {
    await Promise.race([browserRef.browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 5_000))]);
  }
}
process.exit(exitCode);
