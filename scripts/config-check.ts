// `npm run config:check`: the configuration checked in one pass (the environment, a `.env` in the working
// directory, and the shops file), then the database, Redis and every provider reached once with a call
// that only reads. Exit 0 when everything answers and accepts its credentials, 1 otherwise.
import { existsSync } from "node:fs";
import { checkConfiguration, formatReport } from "../src/config/check.ts";
import { parseEnv } from "../src/config/env.ts";
import { loadShopsConfig } from "../src/config/shops.ts";
import { formatTable, probeAll } from "../src/wiring/config-probe.ts";

if (existsSync(".env")) process.loadEnvFile(".env");
const out = (line: string) => process.stdout.write(`${line}\n`);
const report = checkConfiguration(process.env);
if (report.credentialVariables.length) out(`Credentials are read from: ${report.credentialVariables.join(", ")}`);
if (report.problems.length) {
  out(formatReport(report, process.env.SHOPS_CONFIG));
  process.exit(1);
}
const env = parseEnv(process.env);
if (env.demo) out("No SHOPS_CONFIG: demo mode, the providers are in-process simulators; only the database is checked.");
const rows = await probeAll(env, env.demo ? { shops: [] } : loadShopsConfig(env.SHOPS_CONFIG!));
out(formatTable(rows));
const bad = rows.filter((r) => !r.reachable || r.credentialsAccepted !== true);
out(bad.length ? `${bad.length} of ${rows.length} checks failed` : `configuration OK: ${rows.length} checks passed`);
process.exit(bad.length ? 1 : 0);
