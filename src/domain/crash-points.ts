/** Where a checkout can be cut short by a crash, for the crash test (test/crash). */
export const CRASH_POINTS = [
  "ledger-written",
  "provider-called",
  "before-status",
  /** A payment record written, the PSP not yet asked to create it. */
  "payment-recorded",
  /** The PSP created the payment; its answer not yet stored. */
  "payment-created",
  /** The PSP captured, or cancelled, the payment; its answer not yet stored. */
  "payment-captured",
  "payment-cancelled",
  /** A refund leg written, the PSP not yet asked; then the PSP refunded, its answer not yet stored. */
  "refund-recorded",
  "refund-sent",
  /** A notification's object read from the PSP; nothing done with it yet. */
  "notification-read",
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

/**
 * Fault injection for the crash test only: with `CRASH_AT=<point>:<n>` the process kills itself with
 * SIGKILL the n-th time it reaches `<point>`, with no chance to clean up. Inert when unset; refused in
 * production by the config.
 */
export class CrashPoints {
  private readonly counts = new Map<CrashPoint, number>();

  constructor(private readonly spec: { point: CrashPoint; nth: number } | null = null) {}

  reach(point: CrashPoint): void {
    if (this.spec?.point !== point) return;
    const n = (this.counts.get(point) ?? 0) + 1;
    this.counts.set(point, n);
    if (n === this.spec.nth) {
      process.stdout.write(`${JSON.stringify({ level: "warn", msg: "crash point reached: SIGKILL", point, n })}\n`);
      process.kill(process.pid, "SIGKILL");
    }
  }
}
