import { createGateway } from "/work/main/src/gateway.ts";
import { createLogger } from "/work/main/src/server/logger.ts";
const gateway = await createGateway({ env: { DATABASE_URL: "file:/tmp/smoke.db", LOG_LEVEL: "silent", CATALOG_POLL_SECONDS: "0", STATUS_SYNC_SECONDS: "0" }, logger: createLogger("silent") });
const post = async (query: string, variables?: object) => (await gateway.yoga.fetch("http://x/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) })).json();
const q = process.argv[2] ?? `{ catalog(shopId: "demo-posiflora") { __typename ... on QueryCatalogSuccess { data { categories { id title products(first: 2) { totalCount edges { node { id name price { amount } thumbnailUrl availability { store { id } price { amount } inStock } } } } } } } ... on Error { code message } }
 stores(shopId: "demo-posiflora") { __typename ... on QueryStoresSuccess { data { id title address city hours } } } }`;
console.log(JSON.stringify(await post(q), null, 1).slice(0, 2500));
console.log(gateway.simulators!.posiflora.handler.requests.entries.map((e: any) => e.method + " " + e.path).join("\n"));
await gateway.close();
