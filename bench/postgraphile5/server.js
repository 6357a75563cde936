// PostGraphile 5 over the benchmark's database, set up for production as its documentation
// advises: the Amber preset, served by grafserv on Node's own http server, with the
// connection-filter plugin and filters across relations enabled.
//   DATABASE_URL=postgres://... PORT=18303 node_modules/.bin/node server.js
// PostGraphile 5 needs Node 22 or later: node_modules/.bin/node is the one the `node`
// package of package.json installs (the machine's own may be older).
//
// Grafast reads its mode once, when it is loaded: production (no development checks, planning
// at full speed) unless GRAPHILE_ENV or NODE_ENV say otherwise. Said here so that it does not
// depend on the environment, and so that it does not warn at start.
process.env.GRAPHILE_ENV = "production";

const http = require("node:http");
const { postgraphile } = require("postgraphile");
const { PostGraphileAmberPreset } = require("postgraphile/presets/amber");
const { makePgService } = require("postgraphile/adaptors/pg");
const { grafserv } = require("postgraphile/grafserv/node");
const { jsonPgSmartTags } = require("postgraphile/utils");
const { PostGraphileConnectionFilterPreset } = require("postgraphile-plugin-connection-filter");

// PostGraphile 5 offers ordering and filtering only on indexed columns (PostGraphile 4 on
// every column, unless told `ignoreIndexes: false`), and states.subregion has no index. A
// behavior smart tag (`@behavior +orderBy`) allows it for that one column, so that the
// filtered query sorts by subregion as PostGraphile 4's does; nothing else in the schema
// changes, and the database is not touched (the tag is given here, not as a comment).
const SubregionOrderPlugin = jsonPgSmartTags({
  version: 1,
  config: {
    class: {
      states: { attribute: { subregion: { tags: { behavior: "+orderBy" } } } },
    },
  },
});

const preset = {
  extends: [PostGraphileAmberPreset, PostGraphileConnectionFilterPreset],
  plugins: [SubregionOrderPlugin],
  // Read only, as PostGraphile 4's `disableDefaultMutations`: no create, update or delete
  // mutations in the schema.
  disablePlugins: ["PgMutationCreatePlugin", "PgMutationUpdateDeletePlugin"],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public"],
      // No subscriptions, so no LISTEN/NOTIFY client beside the pool. The pool is pg's
      // default of 10 connections, as PostGraphile 4's.
      pubsub: false,
    }),
  ],
  schema: {
    connectionFilterRelations: true,
    // As PostGraphile 4's `setofFunctionsContainNulls: false`.
    pgForbidSetofFunctionsToReturnNull: true,
  },
  // No `explain` in the answers (the default, said here). PostGraphile 5 logs no query unless
  // DEBUG asks it to, which is PostGraphile 4's `disableQueryLog`.
  grafast: { explain: false },
  grafserv: {
    graphqlPath: "/graphql",
    // No GraphiQL (Ruru): neither at its own path nor, as grafserv otherwise does even then,
    // in answer to a GET of /graphql from a browser.
    graphiql: false,
    graphiqlOnGraphQLGET: false,
    watch: false,
    websockets: false,
  },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = http.createServer();
server.on("error", (e) => {
  console.error(e);
  process.exit(1);
});
serv.addTo(server).catch((e) => {
  console.error(e);
  process.exit(1);
});
server.listen(Number(process.env.PORT || 18303), "127.0.0.1");
