import { createHash } from "node:crypto";
import {
  AccessError,
  ConflictError,
  GatewayError,
  InvalidInputError,
  LoyaltyRuleError,
  NotFoundError,
  ProviderError,
  type ErrorCode,
  type ProviderErrorCode,
} from "./errors.ts";
import { KeyedMutex } from "./keyed-mutex.ts";
import type { IdempotencyRepository } from "./ports/idempotency-repository.port.ts";

/** Errors that are the answer to a request, so a repeat gets them again; transient ones are not kept. */
const LASTING: ErrorCode[] = [
  "INVALID_INPUT",
  "NOT_FOUND",
  "CUSTOMER_NOT_FOUND",
  "INSUFFICIENT_BONUSES",
  "REDEEM_LIMIT_EXCEEDED",
  "REDEEM_BLOCKED",
  "UNSUPPORTED_BY_PROVIDER",
  "PROVIDER_REJECTED",
  "INVALID_STATE",
  "HOLD_EXPIRED",
  "FORBIDDEN",
];

interface Stored {
  ok?: string;
  error?: { kind: string; code: ErrorCode; message: string; extra?: Record<string, unknown> };
}

/**
 * Every mutation runs under an idempotency key: the same key and input return the first result, the
 * same key with other input is IDEMPOTENCY_CONFLICT, and concurrent repeats wait for the first.
 */
export class Idempotency {
  private readonly local = new KeyedMutex();
  /**
   * Keys whose claim could not be settled here (the database was away): a request that failed, whose
   * claim the next request under the key gives up and runs again, or one that succeeded, whose answer
   * the next request records and gets. This process knows nobody runs them, until the claim may have
   * been taken over elsewhere; after that, the takeover rule applies.
   */
  private readonly unsettled = new Map<string, { at: number; response: string | undefined }>();

  constructor(
    private readonly repo: IdempotencyRepository,
    /** A claim older than this, still unfinished, belonged to a process that died and is taken over. */
    private readonly takeOverMs = 30_000,
    private readonly waitMs = 15_000,
  ) {}

  async once<T>(
    key: string,
    input: unknown,
    run: () => Promise<T>,
    codec: { encode(v: T): string; decode(s: string): Promise<T> },
  ): Promise<T> {
    const hash = createHash("sha256").update(JSON.stringify(input)).digest("hex");
    return this.local.run(key, async () => {
      const deadline = Date.now() + this.waitMs;
      for (;;) {
        const claim = await this.repo.claim(key, hash, this.takeOverMs);
        if (claim.kind === "conflict")
          throw new ConflictError("IDEMPOTENCY_CONFLICT", "this idempotency key was used with different input");
        const unsettled = this.unsettled.get(key);
        if (claim.kind !== "busy") this.unsettled.delete(key);
        if (claim.kind === "done") return replay(JSON.parse(claim.response) as Stored, codec);
        if (claim.kind === "new") return this.first(key, run, codec);
        if (unsettled && Date.now() - unsettled.at < this.takeOverMs) {
          if (unsettled.response === undefined) await this.repo.abandon(key);
          else await this.repo.complete(key, unsettled.response);
          this.unsettled.delete(key);
          continue;
        }
        if (Date.now() > deadline)
          throw new ConflictError("IDEMPOTENCY_CONFLICT", "a request with this idempotency key is still running");
        await new Promise((r) => setTimeout(r, 50));
      }
    });
  }

  private remember(key: string, response?: string): void {
    // Bounded: past this many, the oldest wait for the claim's takeover like any other.
    if (this.unsettled.size >= 10_000) this.unsettled.delete(this.unsettled.keys().next().value!);
    this.unsettled.set(key, { at: Date.now(), response });
  }

  private async first<T>(key: string, run: () => Promise<T>, codec: { encode(v: T): string }): Promise<T> {
    let result: T;
    try {
      result = await run();
    } catch (error) {
      if (error instanceof GatewayError && LASTING.includes(error.code)) {
        await this.repo
          .complete(key, JSON.stringify({ error: freeze(error) } satisfies Stored))
          .catch(() => this.remember(key));
      } else {
        await this.repo.abandon(key).catch(() => this.remember(key));
      }
      throw error;
    }
    const response = JSON.stringify({ ok: codec.encode(result) } satisfies Stored);
    try {
      await this.repo.complete(key, response);
    } catch (error) {
      // Done, and not recorded: a repeat gets this answer (while this process remembers it).
      this.remember(key, response);
      throw error;
    }
    return result;
  }
}

function freeze(error: GatewayError): NonNullable<Stored["error"]> {
  const extra: Record<string, unknown> = {};
  if (error instanceof InvalidInputError) extra.issues = error.issues;
  if (error instanceof LoyaltyRuleError) extra.max = error.maxRedeemablePoints;
  if (error instanceof ProviderError) Object.assign(extra, { provider: error.provider, vendorCode: error.vendorCode });
  return { kind: error.constructor.name, code: error.code, message: error.message, extra };
}

async function replay<T>(stored: Stored, codec: { decode(s: string): Promise<T> }): Promise<T> {
  if (stored.ok !== undefined) return codec.decode(stored.ok);
  const e = stored.error!;
  const x = e.extra ?? {};
  switch (e.kind) {
    case "InvalidInputError":
      throw new InvalidInputError(e.message, (x.issues as InvalidInputError["issues"]) ?? []);
    case "LoyaltyRuleError":
      throw new LoyaltyRuleError(
        e.code as LoyaltyRuleError["code"] & "INSUFFICIENT_BONUSES",
        e.message,
        (x.max as number | null) ?? null,
      );
    case "ProviderError":
      throw new ProviderError(e.code as ProviderErrorCode, e.message, String(x.provider), {
        vendorCode: (x.vendorCode as string | null) ?? null,
      });
    case "NotFoundError":
      throw new NotFoundError(e.code as "NOT_FOUND", e.message);
    case "AccessError":
      throw new AccessError(e.code as "FORBIDDEN", e.message);
    case "ConflictError":
    case "InvalidStateError":
      throw new ConflictError(e.code as "INVALID_STATE", e.message);
    default:
      throw new GatewayError(e.code, e.message);
  }
}
