/**
 * Requests that break the vendor's documents: an endpoint they do not describe, an undeclared query parameter, a body field the documents
 * do not describe, a wrong type, a missing required field, a bad enum or format, or a step out of the
 * documented flow. Every simulator answers such a request as its vendor would (its status and error
 * body) and also writes it down here, so that a test run can fail on it even when the gateway coped
 * with the refusal. The list is `GET /__sim/violations` over HTTP and `handler.violations` in-process;
 * every live list is in the registry below, which the test setup checks after each test.
 */
export type ViolationKind = "route" | "query" | "body" | "flow";

export interface Violation {
  simulator: string;
  method: string;
  path: string;
  kind: ViolationKind;
  /** What was broken, as "where: what" (a JSON pointer, a parameter, or the flow rule). */
  detail: string;
  /** The status the simulator answered with; 0 when it answered normally (an undocumented field it ignores). */
  status: number;
  at: string;
}

export type ViolationNote = Pick<Violation, "kind" | "detail"> & { status?: number };
export type ViolationMatch = Partial<Pick<Violation, "kind" | "method">> & {
  /** Part of the request path. */
  path?: string;
  /** Part of the detail, or a pattern. */
  detail?: string | RegExp;
};

const MAX_ENTRIES = 1_000;

/** One simulator's violations, newest last. Bounded: the oldest are dropped first. */
export class ViolationLog {
  private list: Violation[] = [];

  constructor(readonly simulator: string) {
    LIVE.add(this);
  }

  record(request: { method: string; url: string }, note: ViolationNote): void {
    if (this.list.length >= MAX_ENTRIES) this.list.shift();
    this.list.push({
      simulator: this.simulator,
      method: request.method,
      path: new URL(request.url).pathname,
      kind: note.kind,
      detail: note.detail,
      status: note.status ?? 0,
      at: new Date().toISOString(),
    });
  }

  get entries(): readonly Violation[] {
    return this.list;
  }

  /** Removes and returns the violations that match (all without `match`): a test that broke a rule on purpose. */
  take(match?: ViolationMatch): Violation[] {
    const taken = this.list.filter((v) => matches(v, match));
    this.list = this.list.filter((v) => !taken.includes(v));
    return taken;
  }

  clear(): void {
    this.list = [];
  }

  /** Leaves the registry (a simulator that is thrown away with violations nobody needs to see). */
  dispose(): void {
    LIVE.delete(this);
  }
}

function matches(v: Violation, m: ViolationMatch | undefined): boolean {
  if (!m) return true;
  if (m.kind && v.kind !== m.kind) return false;
  if (m.method && v.method !== m.method) return false;
  if (m.path && !v.path.includes(m.path)) return false;
  if (m.detail !== undefined) {
    if (typeof m.detail === "string" ? !v.detail.includes(m.detail) : !m.detail.test(v.detail)) return false;
  }
  return true;
}

/** Every simulator's log in this process (one test file's module graph in vitest). */
const LIVE = new Set<ViolationLog>();

/** All violations every live simulator of this process recorded, and clears them. */
export function takeAllViolations(): Violation[] {
  return [...LIVE].flatMap((log) => log.take());
}

/** All violations every live simulator of this process recorded, without clearing them. */
export function allViolations(): Violation[] {
  return [...LIVE].flatMap((log) => log.entries);
}

/** "posiflora GET /api/v1/orders (query, answered 400): sort: undeclared query parameter" */
export function describeViolation(v: Violation): string {
  const answered = v.status ? `answered ${v.status}` : "accepted";
  return `${v.simulator} ${v.method} ${v.path} (${v.kind}, ${answered}): ${v.detail}`;
}

/**
 * Violations noticed while one request is handled (by a guard, a validator or the vendor's state),
 * kept beside the request until the simulator's handler writes them into its log.
 */
const NOTES = new WeakMap<Request, ViolationNote[]>();

export function noteViolation(request: Request, note: ViolationNote): void {
  const list = NOTES.get(request) ?? [];
  list.push(note);
  NOTES.set(request, list);
}

export function takeNotes(request: Request): ViolationNote[] {
  const list = NOTES.get(request) ?? [];
  NOTES.delete(request);
  return list;
}
