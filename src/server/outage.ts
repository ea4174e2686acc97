import { ServiceUnavailableError } from "../domain/errors.ts";

/** What a client is told to wait before it asks again while the database or Redis is away. */
export const OUTAGE_RETRY_AFTER_SECONDS = 2;

/** Prisma's codes for a database it cannot reach, a connection it lost, or a pool it waited on too long. */
const PRISMA_CONNECTION_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2037"]);
/** The pg driver adapter's kinds for the same. */
const ADAPTER_CONNECTION_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
]);
/**
 * PostgreSQL's SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown,
 * crash shutdown, cannot connect now while starting), and the texts of the errors that carry none.
 */
const CONNECTION_TEXT =
  /Can't reach database server|Connection terminated|is not queryable|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery mode)|Code: `(08\d{3}|57P0[1-3])`|ECONNREFUSED|ECONNRESET|Connection is closed|Redis is reconnecting|Stream isn't writeable|Reached the max retries per request limit/;

/**
 * The gateway's own infrastructure (PostgreSQL through Prisma, Redis through ioredis) is unreachable:
 * read from the error, its cause and the driver error Prisma keeps, by name, code and text, since the
 * errors come from three libraries that share no type.
 */
export function isInfrastructureOutage(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    if (!(e instanceof Error)) return false;
    const x = e as Error & {
      code?: unknown;
      meta?: { driverAdapterError?: { cause?: { kind?: string; code?: string } } };
    };
    if (x.name === "PrismaClientInitializationError" || x.name === "MaxRetriesPerRequestError") return true;
    if (typeof x.code === "string" && PRISMA_CONNECTION_CODES.has(x.code)) return true;
    const cause = x.meta?.driverAdapterError?.cause;
    if (cause?.kind && ADAPTER_CONNECTION_KINDS.has(cause.kind)) return true;
    if (cause?.kind === "postgres" && /^(08|57P0[1-3])/.test(cause.code ?? "")) return true;
    if (CONNECTION_TEXT.test(x.message)) return true;
    e = x.cause;
  }
  return false;
}

/** The typed error an outage is answered with. */
export function outageError(): ServiceUnavailableError {
  return new ServiceUnavailableError(
    "the gateway's storage is unavailable for a moment; ask again with the same idempotency key",
    OUTAGE_RETRY_AFTER_SECONDS,
  );
}
