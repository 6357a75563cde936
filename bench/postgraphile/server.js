// PostGraphile 4 over the benchmark's database, tuned for production as its documentation
// advises, with the connection-filter plugin and filters across relations enabled.
//   DATABASE_URL=postgres://... PORT=18301 node server.js
const http = require("http");
const { postgraphile } = require("postgraphile");
const ConnectionFilterPlugin = require("postgraphile-plugin-connection-filter");

const middleware = postgraphile(process.env.DATABASE_URL, "public", {
  appendPlugins: [ConnectionFilterPlugin],
  graphileBuildOptions: { connectionFilterRelations: true },
  disableQueryLog: true,
  retryOnInitFail: false,
  watchPg: false,
  dynamicJson: true,
  setofFunctionsContainNulls: false,
  ignoreRBAC: false,
  disableDefaultMutations: true,
  enableQueryBatching: false,
});

http
  .createServer(middleware)
  .listen(Number(process.env.PORT || 18301), "127.0.0.1");
