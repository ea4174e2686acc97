import type { PaymentProvider } from "../../src/domain/ports/payment-provider.port.ts";
import { createPaymentProvider } from "../../src/config/providers.ts";
import { createLogger } from "../../src/server/logger.ts";
import { listen } from "../../src/simulators/kit/http-server.ts";
import type { Simulator } from "../../src/simulators/registry.ts";
import { createYookassaSimulator } from "../../src/simulators/yookassa/server.ts";

/** A failure that strikes after the PSP carried a write out. */
export type AfterFault = "500" | "processing" | "lost";

/** One payment adapter wired to its simulator over real HTTP on 127.0.0.1, with the simulator's controls. */
export interface PaymentSubject {
  id: string;
  /** Path fragments of the writes, for scripting faults on them. */
  createPath: string;
  capturePath: string;
  refundPath: string;
  start(options: { timeoutMs: number; maxRetries: number; wrongSecret?: boolean }): Promise<PaymentHarness>;
}

export interface PaymentHarness {
  provider: PaymentProvider;
  sim: Simulator;
  /** The buyer pays, or their bank declines, on the page the payment's confirmationUrl opens. */
  pay(confirmationUrl: string): Promise<void>;
  decline(confirmationUrl: string): Promise<void>;
  advanceClock(seconds: number): Promise<void>;
  failAfter(kind: AfterFault, path: string): Promise<void>;
  /** Notifications go to `url`; `duplicate` and `outOfOrder` as the test asks. */
  notifyTo(url: string, mode?: { duplicate?: boolean; outOfOrder?: boolean }): Promise<void>;
  /** One delivery pass; the number answered 200. */
  deliverNotifications(): Promise<number>;
  /** Payments and refunds in the PSP's books: how many, captured and refunded in total (minor units). */
  books(): { payments: number; refunds: number; captured: number; refunded: number };
  close(): Promise<void>;
}

async function control(base: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${base}/__sim${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
}

async function buyer(confirmationUrl: string, outcome: "pay" | "decline"): Promise<void> {
  const page = await fetch(confirmationUrl);
  if (page.status !== 200) throw new Error(`confirmation page: ${page.status}`);
  const html = await page.text();
  const action = new RegExp(`action="([^"]*/${outcome})"`).exec(html)?.[1];
  if (!action) throw new Error(`no ${outcome} button on the confirmation page`);
  const res = await fetch(new URL(action, confirmationUrl), { method: "POST", redirect: "manual" });
  if (res.status !== 303 && res.status !== 200) throw new Error(`${outcome}: ${res.status}`);
}

export const PAYMENT_SUBJECTS: PaymentSubject[] = [
  {
    id: "yookassa",
    createPath: "/v3/payments",
    capturePath: "/capture",
    refundPath: "/v3/refunds",
    async start({ timeoutMs, maxRetries, wrongSecret }) {
      const sim = createYookassaSimulator({ shopId: "contract-shop", secretKey: "contract-secret" });
      const server = await listen(sim);
      const provider = createPaymentProvider(
        {
          id: "contract-yookassa",
          adapter: "yookassa",
          baseUrl: `${server.url}/v3`,
          timeoutMs,
          maxRetries,
          options: {},
          credentials: { shopId: "env:SHOP_ID", secretKey: "env:SECRET_KEY" },
        },
        "contract",
        { SHOP_ID: "contract-shop", SECRET_KEY: wrongSecret ? "wrong" : "contract-secret" },
        { fetch: globalThis.fetch, logger: createLogger("silent") },
      );
      return {
        provider,
        sim,
        pay: (url) => buyer(url, "pay"),
        decline: (url) => buyer(url, "decline"),
        advanceClock: (advanceSeconds) => control(server.url, "/clock", { advanceSeconds }),
        failAfter: (kind, path) => control(server.url, "/after-faults", { kind, path, retryAfterMs: 20 }),
        notifyTo: (url, mode = {}) => control(server.url, "/notifications", { url, ...mode }),
        deliverNotifications: () => sim.deliverNotifications(),
        books: () => {
          const payments = [...sim.state.payments.values()];
          const refunds = [...sim.state.refunds.values()];
          return {
            payments: payments.length,
            refunds: refunds.length,
            captured: payments.reduce((sum, p) => sum + p.captured, 0),
            refunded: refunds.reduce((sum, r) => sum + r.amount, 0),
          };
        },
        close: server.close,
      };
    },
  },
];
