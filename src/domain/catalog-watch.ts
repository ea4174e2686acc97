import type { Logger } from "./ports/logger.port.ts";
import type { CatalogService } from "./catalog.service.ts";

/**
 * Posiflora pushes nothing, so each shop window's revision (`meta.revision`, one counter per account)
 * is probed on an interval; when it moves, that window's cache is dropped and the next read loads the
 * new catalog. Each instance probes on its own: a change is noticed, and invalidated, at most once per instance.
 */
export class CatalogWatch {
  private timer: NodeJS.Timeout | null = null;
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly catalog: CatalogService,
    private readonly logger: Logger,
  ) {}

  /** One probe of every window; returns the ids of the windows found changed. */
  async runOnce(): Promise<string[]> {
    const changed: string[] = [];
    await Promise.all(
      this.catalog.sources().map(async (source) => {
        try {
          const revision = await source.revision();
          if (revision === null) return;
          const before = this.seen.get(source.instanceId);
          this.seen.set(source.instanceId, revision);
          if (before !== undefined && before !== revision) {
            await this.catalog.invalidate((c) => c.instanceId === source.instanceId);
            changed.push(source.instanceId);
            this.logger.info("catalog changed; cache dropped", { provider: source.instanceId, revision });
          }
        } catch (error) {
          this.logger.warn("catalog probe failed", {
            provider: source.instanceId,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }),
    );
    return changed;
  }

  start(intervalMs: number): void {
    const loop = () => {
      this.timer = setTimeout(() => void this.runOnce().finally(() => this.timer && loop()), intervalMs);
      this.timer.unref();
    };
    void this.runOnce();
    loop();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
