import { randomUUID } from "node:crypto";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import { afterAll, beforeAll, beforeEach, inject } from "vitest";
import { createGateway, type Gateway } from "../../src/gateway.ts";
import type { Fetch } from "../../src/providers/http/provider-http.ts";
import { createLogger } from "../../src/server/logger.ts";

export const DEMO_KEY = "demo-dev-key-0000000000";
export const DEMO_BOT_TOKEN = "123456:demo-bot-token";

export interface TestGateway {
  gateway: Gateway;
  databaseUrl: string;
  /** Runs a typed operation through yoga.fetch and returns the parsed body. */
  run<R, V>(
    doc: TypedDocumentNode<R, V>,
    variables: V,
    headers?: Record<string, string>,
  ): Promise<{ data?: R; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }>;
  /** Posts raw GraphQL. */
  post(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/** A demo-mode gateway (in-process simulators) on a fresh copy of the migrated template database. */
export async function startTestGateway(env: Record<string, string> = {}, fetch?: Fetch): Promise<TestGateway> {
  const database = databaseForTest();
  const gateway = await createGateway({
    env: {
      DATABASE_URL: database.url,
      MIGRATE_ON_START: database.migrate,
      LOG_LEVEL: "silent",
      NODE_ENV: "test",
      // Each test gateway has its own simulators, so its own cache (unless a test shares one on purpose); the catalog probe runs when a test asks.
      CACHE_PREFIX: `lg-test:${randomUUID()}:`,
      CATALOG_POLL_SECONDS: "0",
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
      ...env,
    },
    logger: createLogger("silent"),
    ...(fetch ? { fetch } : {}),
  });
  const post = (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) =>
    Promise.resolve(
      gateway.yoga.fetch("http://gateway.test/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ query, variables }),
      }),
    );
  return {
    gateway,
    databaseUrl: database.url,
    post,
    run: async (doc, variables, headers) =>
      (await post(print(doc), variables as Record<string, unknown>, headers)).json(),
    close: () => gateway.close(),
  };
}

let databases = 0;

/**
 * A new database for one test gateway: a copy of the migrated SQLite template, or, when the run is on
 * PostgreSQL (TEST_DATABASE_URL), a new database there that the gateway creates and migrates.
 */
function databaseForTest(): { url: string; migrate: string } {
  const pgUrl = process.env.TEST_DATABASE_URL;
  if (pgUrl) {
    const url = new URL(pgUrl);
    url.pathname = `/lg_t_${process.pid}_${Date.now()}_${++databases}`;
    return { url: url.toString(), migrate: "true" };
  }
  const file = path.join(mkdtempSync(path.join(tmpdir(), "lg-test-")), "gateway.db");
  copyFileSync(inject("templateDb"), file);
  return { url: `file:${file}`, migrate: "false" };
}

export const asService = (key = DEMO_KEY) => ({ authorization: `Bearer ${key}` });

/** Registers a shared demo gateway for a test file; the simulators are reset before every test. */
export function useDemoGateway(env: Record<string, string> = {}): { readonly t: TestGateway } {
  const holder = {} as { t: TestGateway };
  beforeAll(async () => {
    holder.t = await startTestGateway(env);
  });
  afterAll(() => holder.t.close());
  beforeEach(() => {
    for (const sim of Object.values(holder.t.gateway.simulators ?? {})) {
      sim.handler.faults.clear();
      sim.handler.requests.clear();
      sim.handler.state.reset();
    }
  });
  return holder;
}
