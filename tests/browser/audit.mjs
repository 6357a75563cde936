// GraphQL-over-HTTP audits (the npm package graphql-http) against a running foc-graph:
//   node audit.mjs http://127.0.0.1:PORT/graphql
// Prints every audit that is not ok and exits 1 on any error or warning.
import { serverAudits } from 'graphql-http';
const url = process.argv[2];
let errors = 0, warnings = 0, notices = 0;
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const result = await audit.fn();
  if (result.status === 'ok') continue;
  if (result.status === 'error') errors++; else if (result.status === 'warn') warnings++; else notices++;
  console.log(result.status.toUpperCase(), audit.id, audit.name, '-', result.reason);
}
console.log(`audits: ${errors} errors, ${warnings} warnings, ${notices} notices`);
process.exit(errors + warnings === 0 ? 0 : 1);
