import { describe, expect, it } from "vitest";
import { isInfrastructureOutage } from "./outage.ts";

const named = (name: string, message: string, extra: object = {}) => Object.assign(new Error(message), { name }, extra);

describe("isInfrastructureOutage", () => {
  it("knows the database and Redis out of reach, as Prisma, pg and ioredis report them", () => {
    const outages = [
      named("PrismaClientKnownRequestError", "Invalid invocation: Can't reach database server at 127.0.0.1:5432", {
        code: "P1001",
      }),
      named("PrismaClientKnownRequestError", "Database error. Code: `57P01`. Message: `terminating connection`", {
        meta: { driverAdapterError: { cause: { kind: "postgres", code: "57P01" } } },
      }),
      named("PrismaClientKnownRequestError", "x", {
        meta: { driverAdapterError: { cause: { kind: "ConnectionClosed" } } },
      }),
      named("PrismaClientInitializationError", "could not start"),
      new Error("Client has encountered a connection error and is not queryable"),
      new Error("wrapped", { cause: new Error("Connection terminated unexpectedly") }),
      named("MaxRetriesPerRequestError", "Reached the max retries per request limit (which is 3)."),
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
    ];
    for (const error of outages) expect(isInfrastructureOutage(error), error.message).toBe(true);
  });

  it("leaves every other error to be masked as unexpected", () => {
    const others = [
      named("PrismaClientKnownRequestError", "Unique constraint failed", { code: "P2002" }),
      named("PrismaClientKnownRequestError", "x", {
        meta: { driverAdapterError: { cause: { kind: "postgres", code: "23505" } } },
      }),
      new TypeError("Cannot read properties of undefined"),
      "a string",
      null,
    ];
    for (const error of others) expect(isInfrastructureOutage(error), String(error)).toBe(false);
  });
});
