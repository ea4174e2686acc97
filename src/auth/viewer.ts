import { AccessError } from "../domain/errors.ts";
import { ANONYMOUS, type Viewer } from "../domain/viewer.ts";
import type { ApiKeyRing } from "./api-keys.ts";
import type { InitDataVerifier } from "./telegram-init-data.ts";

/** Reads `Authorization: tma <initData>` or `Authorization: Bearer <api key>`; a bad credential is an error, not anonymity. */
export function resolveViewer(
  header: string | null,
  deps: { initData: InitDataVerifier; apiKeys: ApiKeyRing },
): Viewer {
  if (!header) return ANONYMOUS;
  const space = header.indexOf(" ");
  const scheme = header.slice(0, space).toLowerCase();
  const credential = header.slice(space + 1).trim();
  if (space < 0 || !credential) throw new AccessError("UNAUTHENTICATED", "malformed Authorization header");
  if (scheme === "tma") {
    const { user } = deps.initData.verify(credential);
    return { kind: "telegram", telegramUserId: user.id, username: user.username };
  }
  if (scheme === "bearer") {
    const service = deps.apiKeys.identify(credential);
    if (!service) throw new AccessError("UNAUTHENTICATED", "unknown API key");
    return { kind: "service", name: service.name, scopes: service.scopes };
  }
  throw new AccessError("UNAUTHENTICATED", `unsupported Authorization scheme "${scheme}"`);
}
