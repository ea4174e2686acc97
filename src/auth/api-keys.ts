import { hash } from "node:crypto";
import type { ApiKeyConfig } from "../config/env.ts";

export interface ServiceIdentity {
  name: string;
  scopes: ReadonlySet<string>;
}

/**
 * Service API keys. Keys are looked up by their SHA-256 digest, so the comparison never depends on
 * how much of a guessed key is right, and the plain keys are not kept in memory after boot.
 */
export class ApiKeyRing {
  private readonly byDigest = new Map<string, ServiceIdentity>();

  constructor(keys: ApiKeyConfig[]) {
    for (const k of keys) this.byDigest.set(digest(k.key), { name: k.name, scopes: new Set(k.scopes) });
  }

  identify(key: string): ServiceIdentity | null {
    return this.byDigest.get(digest(key)) ?? null;
  }
}

function digest(key: string): string {
  return hash("sha256", key, "hex");
}
