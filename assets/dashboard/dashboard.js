// The dashboard: every chart is a GraphQL query to this server's public API, shown beside
// the chart with links to open it in GraphiQL and to download its CSV. The date control
// changes every chart.
'use strict';

const QUERIES = {
  timeline: `query Timeline($from: Date!, $to: Date!) {
  coalition {
    membershipTimeline(from: $from, to: $to, interval: QUARTER, byRegion: true) {
      date members uncertain
      regions { region members uncertain }
    }
  }
}`,
  members: `query Members($day: Date!) {
  coalition {
    snapshot(on: $day) {
      memberCount uncertainMemberCount
      members(first: 100) { nodes { code name region } }
    }
  }
}`,
  conferences: `query Conferences($to: Int!) {
  coalition {
    conferenceTimeline(to: $to) {
      year conferences
      hostRegions { region conferences }
    }
  }
}`,
  funding: `query Funding($day: Date!) {
  fundings(filter: { periodStartEarliest: { lte: $day } }) {
    aggregate {
      groupBy(keys: [CURRENCY, QUALIFIER]) { currency qualifier count totalAmount }
    }
  }
}`,
};

const REGIONS = ['AFRICA', 'AMERICAS', 'ASIA', 'EUROPE', 'OCEANIA'];
const COLOURS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e'];
const charts = {};

async function ask(name, variables) {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: QUERIES[name], variables }),
  });
  const answer = await response.json();
  if (answer.errors) throw new Error(answer.errors.map((e) => e.message).join('; '));
  return answer.data;
}

// The query behind a section, with links to GraphiQL and to its CSV.
function showQuery(section, name, variables) {
  const links = document.querySelector(`#${section} .links`);
  const params = new URLSearchParams({ query: QUERIES[name], variables: JSON.stringify(variables) });
  const csv = new URLSearchParams({ query: QUERIES[name], variables: JSON.stringify(variables), format: 'csv' });
  links.replaceChildren();
  const details = document.createElement('details');
  const summary = document.createElement('summary');
  summary.textContent = 'The GraphQL query';
  const pre = document.createElement('pre');
  pre.textContent = `${QUERIES[name]}\n\nvariables: ${JSON.stringify(variables)}`;
  details.append(summary, pre);
  const open = Object.assign(document.createElement('a'), { href: `/?${params}`, textContent: 'Open in GraphiQL' });
  const download = Object.assign(document.createElement('a'), { href: `/graphql?${csv}`, textContent: 'Download CSV', download: `${name}.csv` });
  links.append(open, download, details);
}

function rows(table, cells) {
  const body = document.querySelector(`[data-table="${table}"]`);
  body.replaceChildren(...cells.map((values) => {
    const tr = document.createElement('tr');
    for (const value of values) {
      const td = document.createElement('td');
      td.textContent = value ?? '';
      if (typeof value === 'number') td.className = 'num';
      tr.append(td);
    }
    return tr;
  }));
}

function draw(section, options, data) {
  const holder = document.querySelector(`#${section} .chart`);
  charts[section]?.destroy();
  holder.replaceChildren();
  const width = Math.max(320, Math.min(1050, holder.clientWidth || 1000));
  charts[section] = new uPlot({ width, height: 300, ...options }, data, holder);
}

const seconds = (day) => Date.parse(`${day}T00:00:00Z`) / 1000;

async function timeline(day) {
  // From the end of the founding month: the founders joined on 9 December 2011.
  const variables = { from: '2011-12-31', to: day };
  showQuery('timeline', 'timeline', variables);
  if (day < variables.from) {
    draw('timeline', { series: [{}] }, [[]]);
    return;
  }
  const points = (await ask('timeline', variables)).coalition.membershipTimeline;
  const x = points.map((p) => seconds(p.date));
  const certain = points.map((p) => p.members);
  const possible = points.map((p) => p.members + p.uncertain);
  const byRegion = REGIONS.map((region) => points.map((p) => p.regions.find((r) => r.region === region)?.members ?? 0));
  draw('timeline', {
    series: [
      {},
      { label: 'Possible members', stroke: '#999', dash: [4, 4] },
      { label: 'Certain members', stroke: '#111', width: 2 },
      ...REGIONS.map((region, i) => ({ label: region[0] + region.slice(1).toLowerCase(), stroke: COLOURS[i] })),
    ],
    bands: [{ series: [1, 2], fill: 'rgba(0,0,0,0.12)' }],
    axes: [{}, { label: 'States' }],
  }, [x, possible, certain, ...byRegion]);
  document.querySelector('#timeline .chart').dataset.lastMembers = String(certain.at(-1) ?? '');
}

async function members(day) {
  const variables = { day };
  showQuery('members', 'members', variables);
  const snapshot = (await ask('members', variables)).coalition.snapshot;
  document.querySelector('[data-figure="memberCount"]').textContent = snapshot.memberCount;
  document.querySelector('[data-figure="uncertainMemberCount"]').textContent = snapshot.uncertainMemberCount;
  const states = snapshot.members.nodes;
  rows('regions', REGIONS.map((region) => [region, states.filter((s) => s.region === region).length]));
  rows('states', states.map((s) => [s.code, s.name, s.region]));
}

async function conferences(day) {
  const variables = { to: Number(day.slice(0, 4)) };
  showQuery('conferences', 'conferences', variables);
  const years = (await ask('conferences', variables)).coalition.conferenceTimeline;
  const bars = uPlot.paths.bars({ size: [0.6, 40] });
  draw('conferences', {
    series: [
      { value: (u, v) => v },
      { label: 'Conferences', stroke: '#111', fill: 'rgba(0,0,0,0.15)', paths: bars },
      // Each region's count is a point per year, not a line through the years between.
      ...REGIONS.map((region, i) => ({
        label: `Hosted in ${region[0] + region.slice(1).toLowerCase()}`,
        stroke: COLOURS[i],
        paths: () => null,
        points: { show: true, size: 9, fill: COLOURS[i] },
      })),
    ],
    scales: { x: { time: false, range: (u, min, max) => [min - 0.5, max + 0.5] } },
    axes: [
      { incrs: [1, 2, 5, 10], values: (u, ticks) => ticks.map((t) => String(t)) },
      { label: 'Conferences', incrs: [1, 2, 5, 10] },
    ],
  }, [
    years.map((y) => y.year),
    years.map((y) => y.conferences),
    ...REGIONS.map((region) => years.map((y) => y.hostRegions.find((r) => r.region === region)?.conferences ?? 0)),
  ]);
}

async function funding(day) {
  const variables = { day };
  showQuery('funding', 'funding', variables);
  const groups = (await ask('funding', variables)).fundings.aggregate?.groupBy ?? [];
  rows('funding', groups.map((g) => [g.currency, g.qualifier, g.count, g.totalAmount]));
}

async function refresh() {
  const day = document.getElementById('day').value;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return;
  const status = document.getElementById('status');
  status.textContent = 'Loading…';
  status.className = '';
  document.querySelectorAll('.day').forEach((el) => { el.textContent = day; });
  try {
    await Promise.all([timeline(day), members(day), conferences(day), funding(day)]);
    status.textContent = `Showing ${day}`;
    document.body.dataset.shown = day;
  } catch (error) {
    status.textContent = `Could not load: ${error.message}`;
    status.className = 'error';
  }
}

document.getElementById('day').addEventListener('change', refresh);
refresh();
