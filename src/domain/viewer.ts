/** Who is calling: a Mini App user, a service with scopes, or nobody. */
export type Viewer =
  | { kind: "anonymous" }
  | { kind: "telegram"; telegramUserId: string; username: string | null }
  | { kind: "service"; name: string; scopes: ReadonlySet<string> };

export const ANONYMOUS: Viewer = { kind: "anonymous" };

export function hasScope(viewer: Viewer, scope: string): boolean {
  return viewer.kind === "service" && viewer.scopes.has(scope);
}
