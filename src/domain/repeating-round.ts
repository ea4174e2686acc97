/**
 * A background round run every `intervalMs` on an unref'd timer: a round still running when the next is
 * due is not overlapped (the next tick skips), and a round that fails is reported to `failed` while the
 * next one tries again. Returns what stops it.
 */
export function repeatRound(
  intervalMs: number,
  round: () => Promise<unknown>,
  failed: (error: unknown) => void,
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void round()
      .catch(failed)
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
