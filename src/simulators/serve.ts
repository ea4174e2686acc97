import { DEMO_ACCOUNTS } from "./demo-accounts.ts";
import { listen } from "./kit/http-server.ts";
import type { FetchHandler } from "./kit/router.ts";
import { createSimulators } from "./registry.ts";
import { createYookassaSimulator } from "./yookassa/server.ts";

/**
 * `npm run simulators`: every simulator on its own port of 127.0.0.1, for benchmarks, manual tests and
 * the crash test. SIMULATOR_BASE_PORT=N uses N, N+1, ...; SIMULATOR_BASE_PORT=random picks free ports.
 * SIMULATOR_YOOKASSA_ACCOUNTS=N serves N ЮKassa shop accounts ("yookassa", "yookassa-2", ... on 4106,
 * 4112, ...), each with its own books and notification URL: a gateway has one payment instance per
 * account, and ЮKassa sends an account's notifications to that instance's URL only.
 */
const base = process.env.SIMULATOR_BASE_PORT;
const accounts = Math.max(1, Number(process.env.SIMULATOR_YOOKASSA_ACCOUNTS ?? 1));
const simulators: Array<[string, { port: number; handler: FetchHandler }]> = Object.entries(createSimulators());
for (let n = 2; n <= accounts; n++) {
  const { shopId, secretKey } = DEMO_ACCOUNTS.yookassa;
  simulators.push([`yookassa-${n}`, { port: 4110 + n, handler: createYookassaSimulator({ shopId, secretKey }) }]);
}
for (const [index, [id, sim]] of simulators.entries()) {
  const port = base === "random" ? 0 : base ? Number(base) + index : sim.port;
  const { url } = await listen(sim.handler, port);
  process.stdout.write(
    `${JSON.stringify({ level: "info", msg: "simulator listening", provider: id, url, control: `${url}/__sim` })}\n`,
  );
}
