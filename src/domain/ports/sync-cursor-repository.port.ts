/** Pollers' positions, one per provider instance, so a restart continues where the last run stopped. */
export interface SyncCursorRepository {
  get(id: string): Promise<string | null>;
  set(id: string, value: string): Promise<void>;
}
