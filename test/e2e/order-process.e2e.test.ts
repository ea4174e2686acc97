import { describe, expect, it } from "vitest";
import {
  type Command,
  type Effect,
  FLOW_KINDS,
  type FlowKind,
  flowKindOf,
  ORDER_PROCESS,
} from "../../src/domain/order-process.ts";
import { DEMO_PHONES, DEMO_QR_TOKENS } from "../../src/config/demo.ts";
import { line, miniAppCustomer } from "../support/orders.ts";
import { asService, useDemoGateway } from "../support/test-gateway.ts";

/**
 * Every (command × flow kind) pair the order process declares, run through the GraphQL API against the
 * simulators of a demo shop of that flow kind. What each declared effect leaves behind is checked (the
 * ledger's rows, the order system's status), and so is the absence of what an effect not declared for
 * that kind would leave: a commit at confirmation only where the flow commits then, and so on.
 */
const gw = useDemoGateway();

/** What an effect leaves behind: ledger rows of these kinds, or the order system's status moved. */
const LEAVES: Partial<Record<Effect, { ledger?: string[]; system?: string; field?: "orderRef" }>> = {
  holdPoints: { ledger: ["HOLD"] },
  holdPointsForNewCart: { ledger: ["RELEASE", "HOLD"] },
  createInOrderSystem: { field: "orderRef" },
  commitPurchase: { ledger: ["COMMIT"] },
  completeInOrderSystem: { system: "COMPLETED" },
  releaseOrReturnPoints: { ledger: ["RELEASE|REFUND"] },
  cancelInOrderSystem: { system: "CANCELLED" },
  refundPoints: { ledger: ["REFUND"] },
  returnInOrderSystem: { system: "REFUNDED" },
};

/** Ledger kinds no effect of the step may leave unless one declared leaves it. */
const GUARDED = ["COMMIT", "REFUND"];

const ORDER = `query O($id: ID!) { order(id: $id) { __typename ... on QueryOrderSuccess { data {
  status vendorStatus providerRefs { orderReference } ledger { kind state } } } } }`;

const SHOP_OF_KIND = (kind: FlowKind) => {
  const shop = gw.t.gateway.shops.shops.find((s) => flowKindOf(s.loyalty[0]!) === kind && s.orders);
  return shop ?? gw.t.gateway.shops.shops.find((s) => flowKindOf(s.loyalty[0]!) === kind)!;
};

async function customerOf(shopId: string, adapter: string) {
  const token = adapter === "integrations" ? DEMO_QR_TOKENS.integrations.regular : undefined;
  return miniAppCustomer(gw.t, shopId, DEMO_PHONES[adapter as keyof typeof DEMO_PHONES].regular, token);
}

async function read(orderId: string) {
  const body = await (await gw.t.post(ORDER, { id: orderId }, asService())).json();
  return body.data.order.data as {
    status: string;
    vendorStatus: string | null;
    providerRefs: { orderReference: string | null };
    ledger: Array<{ kind: string; state: string }>;
  };
}

/** The payment's commands run in shops that take prepayment, per flow kind: payments.e2e.test.ts. */
const PAYMENT_COMMANDS: readonly Command[] = ["pay", "paymentAuthorised", "paymentDeclined", "capture"];
const pairs = (Object.keys(ORDER_PROCESS) as Command[])
  .filter((command) => !PAYMENT_COMMANDS.includes(command))
  .flatMap((command) => FLOW_KINDS.map((kind) => [command, kind] as const));

describe("the order process, every declared (command × flow kind) pair against a simulator", () => {
  it("declares each pair once, for every flow kind a provider module has", () => {
    expect(new Set(pairs.map((p) => p.join(" "))).size).toBe(pairs.length);
    for (const [command, kind] of pairs)
      expect(ORDER_PROCESS[command].effects[kind], `${command} ${kind}`).toBeDefined();
  });

  it.each(pairs)("%s on %s", async (command, kind) => {
    const shop = SHOP_OF_KIND(kind);
    const provider = shop.loyalty[0]!;
    const c = await customerOf(shop.id, provider.adapter);
    const order = c.ok(await c.create([line("rose-15", 2)]));
    const points = Math.min(10, order.maxRedeemablePoints);
    expect(points).toBeGreaterThan(0);

    // Bring the order to where the command starts.
    if (command !== "applyBonuses") c.ok(await c.apply(order.id, points));
    if (["complete", "cancel", "refund"].includes(command)) c.ok(await c.confirm(order.id));
    if (command === "refund") expect(await c.complete(order.id)).toMatchObject({ data: { status: "COMPLETED" } });
    const before = await read(order.id);

    const result =
      command === "applyBonuses"
        ? await c.apply(order.id, points)
        : command === "updateItems"
          ? await c.update(order.id, [line("rose-15", 3)])
          : command === "confirm"
            ? await c.confirm(order.id)
            : command === "complete"
              ? await c.complete(order.id)
              : command === "cancel"
                ? await c.cancel(order.id)
                : await c.refund(order.id);
    expect(result?.__typename, JSON.stringify(result)).toMatch(/Success$/);

    const after = await read(order.id);
    expect(ORDER_PROCESS[command].to).toContain(after.status);
    const written = after.ledger.slice(before.ledger.length).map((e) => e.kind);
    const effects = ORDER_PROCESS[command].effects[kind];
    const leaves = effects.map((e) => LEAVES[e] ?? {});
    for (const l of leaves) {
      for (const k of l.ledger ?? [])
        expect(
          written.some((w) => k.split("|").includes(w)),
          `${command} on ${kind} writes ${k}: ${written.join(", ")}`,
        ).toBe(true);
      if (l.field === "orderRef" && shop.orders) expect(after.providerRefs.orderReference).toBeTruthy();
      if (l.system && shop.orders)
        expect(shop.orders.statusMap[after.vendorStatus!], `${command}: the order system`).toBe(l.system);
    }
    const allowed = new Set(leaves.flatMap((l) => (l.ledger ?? []).flatMap((k) => k.split("|"))));
    for (const k of GUARDED)
      if (!allowed.has(k)) expect(written, `${command} on ${kind} must not write ${k}`).not.toContain(k);
    if (!effects.includes("createInOrderSystem") && !before.providerRefs.orderReference)
      expect(after.providerRefs.orderReference).toBeNull();
  });
});
