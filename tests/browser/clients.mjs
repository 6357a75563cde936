// The subscription clients a dashboard would use, unchanged: `graphql-ws` over WebSocket
// and `graphql-sse` over Server-Sent Events. Both subscribe, a mutation commits, and each
// must receive it. Usage: node clients.mjs BASE_URL ADMIN_TOKEN
import { createClient as createWsClient } from 'graphql-ws';
import { createClient as createSseClient } from 'graphql-sse';
import WebSocket from 'ws';

const [base, token] = process.argv.slice(2);
const fail = (why) => {
  console.error(`clients: ${why}`);
  process.exit(1);
};
setTimeout(() => fail('timed out'), 20000).unref();

const ws = createWsClient({
  url: base.replace(/^http/, 'ws') + '/graphql',
  webSocketImpl: WebSocket,
  lazy: false,
});
const sse = createSseClient({ url: base + '/graphql' });

// Resolves with the first result of a subscription, once the server has acknowledged it.
function first(client, query) {
  let started;
  const ready = new Promise((resolve) => (started = resolve));
  const result = new Promise((resolve, reject) => {
    const dispose = client.subscribe(
      { query },
      {
        next: (value) => {
          resolve(value);
          dispose();
        },
        error: reject,
        complete: () => {},
      },
    );
    // Neither client tells when the server has the subscription in place; a moment does.
    setTimeout(started, 500);
  });
  return { ready, result };
}

const overWs = first(ws, 'subscription { recordChanged(kinds: [STATE]) { operation record { ... on State { code name } } } }');
const overSse = first(sse, 'subscription { datasetChanged { cause records { kind operation } } }');
await Promise.all([overWs.ready, overSse.ready]);

const response = await fetch(base + '/graphql', {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  body: JSON.stringify({
    query: 'mutation { createState(input: {code: "QZ", name: "Clientland", region: EUROPE, subregion: "West", sources: ["AA-2018"]}) { id } }',
  }),
});
const written = await response.json();
if (written.errors) fail(`the mutation failed: ${JSON.stringify(written.errors)}`);

const [viaWs, viaSse] = await Promise.all([overWs.result, overSse.result]);
const record = viaWs?.data?.recordChanged;
if (record?.operation !== 'CREATED' || record?.record?.name !== 'Clientland') {
  fail(`graphql-ws received ${JSON.stringify(viaWs)}`);
}
const change = viaSse?.data?.datasetChanged;
if (change?.cause !== 'MUTATION' || change?.records?.[0]?.kind !== 'STATE') {
  fail(`graphql-sse received ${JSON.stringify(viaSse)}`);
}
console.log(`clients: ok ${JSON.stringify({ graphqlWs: viaWs, graphqlSse: viaSse })}`);
await ws.dispose();
sse.dispose();
process.exit(0);
