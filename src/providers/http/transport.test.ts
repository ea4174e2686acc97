import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ProviderError } from "../../domain/errors.ts";
import { ProviderHttp } from "./provider-http.ts";
import { CallAbort, fetchTransport, poolTransport } from "./transport.ts";

/** A vendor on a real socket: `/ok` answers, `/hang` never does; it counts the sockets the client closed. */
let server: Server;
let base = "";
const closed = { count: 0 };
beforeAll(async () => {
  server = createServer((req, res) => {
    req.on("close", () => {
      if (!res.writableEnded) closed.count++;
    });
    if (req.url === "/ok") res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    if (req.url?.startsWith("/echo")) {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => (body += chunk));
      req.on("end", () => {
        const seen = { method: req.method, url: req.url, key: req.headers["x-key"], body, port: req.socket.remotePort };
        res.writeHead(201, { "x-echo": "yes", "set-cookie": ["a=1", "b=2"] }).end(JSON.stringify(seen));
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const exchange = (path: string, signal: CallAbort) => ({
  method: "GET",
  url: `${base}${path}`,
  headers: {},
  body: undefined,
  signal,
});

describe("the pool transport", () => {
  it("sends the method, the path with its query, the headers and the body, on one kept-alive socket", async () => {
    const transport = poolTransport();
    try {
      const call = (n: number) =>
        transport({
          method: "POST",
          url: `${base}/echo/a%20b?x=${n}&y=%D0%B6`,
          headers: { "x-key": `k${n}`, "content-type": "application/json" },
          body: `{"n":${n}}`,
          signal: new CallAbort(),
        });
      const first = await call(1);
      // A call sent the instant the last one's body is read may get a second connection: undici's pool
      // sees the first still finishing. After a pause the first connection is free, and is the one used.
      await new Promise((r) => setTimeout(r, 100));
      const second = await call(2);
      expect(first.status).toBe(201);
      expect(first.header("X-Echo")).toBe("yes");
      expect(first.header("set-cookie")).toBe("a=1");
      expect(first.header("x-missing")).toBeNull();
      const [a, b] = [JSON.parse(first.text), JSON.parse(second.text)];
      expect(a).toMatchObject({ method: "POST", url: "/echo/a%20b?x=1&y=%D0%B6", key: "k1", body: '{"n":1}' });
      expect(b).toMatchObject({ url: "/echo/a%20b?x=2&y=%D0%B6", key: "k2", body: '{"n":2}' });
      expect(b.port).toBe(a.port);
    } finally {
      await transport.close();
    }
  });
});

describe("the pool transport's deadline", () => {
  it("answers, and ends a call that hangs when its CallAbort aborts, closing the socket", async () => {
    const transport = poolTransport();
    try {
      const answer = await transport(exchange("/ok", new CallAbort()));
      expect(answer).toMatchObject({ status: 200, text: '{"ok":true}' });

      const before = closed.count;
      const abort = new CallAbort();
      const pending = transport(exchange("/hang", abort));
      setTimeout(() => abort.abort(), 50);
      await expect(pending).rejects.toThrow();
      for (let i = 0; i < 50 && closed.count === before; i++) await new Promise((r) => setTimeout(r, 10));
      expect(closed.count).toBe(before + 1);
      expect(abort.listenerCount("abort")).toBe(0);
    } finally {
      await transport.close();
    }
  });

  it("gives a fetch an AbortSignal that follows the CallAbort", async () => {
    const abort = new CallAbort();
    const pending = fetchTransport(fetch)(exchange("/hang", abort));
    abort.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });

  it("makes a provider call that hangs PROVIDER_UNAVAILABLE/TIMEOUT at its deadline", async () => {
    const transport = poolTransport();
    const edge = new ProviderHttp({
      provider: "p",
      baseUrl: base,
      transport,
      timeoutMs: 150,
      maxRetries: 2,
      retryBaseMs: 1,
      headers: () => ({}),
      mapError: () => new ProviderError("PROVIDER_REJECTED", "no", "p"),
    });
    try {
      const error = await edge
        .request({ method: "GET", path: "hang", schema: z.object({}), idempotent: true })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "PROVIDER_UNAVAILABLE", vendorCode: "TIMEOUT" });
    } finally {
      await transport.close();
    }
  });
});
