import { listen } from "./kit/http-server.ts";
import { createSimulators } from "./registry.ts";

/** `npm run simulators`: every simulator on its own port of 127.0.0.1, for benchmarks and manual tests. */
const base = Number(process.env.SIMULATOR_BASE_PORT ?? 0);
const simulators = Object.entries(createSimulators());
for (const [index, [id, sim]] of simulators.entries()) {
  const { url } = await listen(sim.handler, base ? base + index : sim.port);
  process.stdout.write(`${JSON.stringify({ level: "info", msg: "simulator listening", provider: id, url, control: `${url}/__sim` })}\n`);
}
