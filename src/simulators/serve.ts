import { listen } from "./kit/http-server.ts";
import { createSimulators } from "./registry.ts";

/**
 * `npm run simulators`: every simulator on its own port of 127.0.0.1, for benchmarks, manual tests and
 * the crash test. SIMULATOR_BASE_PORT=N uses N, N+1, ...; SIMULATOR_BASE_PORT=random picks free ports.
 */
const base = process.env.SIMULATOR_BASE_PORT;
const simulators = Object.entries(createSimulators());
for (const [index, [id, sim]] of simulators.entries()) {
  const port = base === "random" ? 0 : base ? Number(base) + index : sim.port;
  const { url } = await listen(sim.handler, port);
  process.stdout.write(
    `${JSON.stringify({ level: "info", msg: "simulator listening", provider: id, url, control: `${url}/__sim` })}\n`,
  );
}
