import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContext } from "playwright-core";

/** Debian's Chromium (`bash scripts/chromium.sh`), or CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const chromiumPresent = existsSync(CHROMIUM);
// In CI the browser must be there (.ci/run installs it); elsewhere a missing one skips, with the reason.
if (!chromiumPresent && process.env.CI) throw new Error(`no Chromium at ${CHROMIUM}: run bash scripts/chromium.sh`);

/** Headless Chromium with nothing of its own reaching the network (no updates, sync or QUIC probes). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Refuses every request of the context that does not go to `base` (or is data:/blob:), and records it. */
export async function loopbackOnly(context: BrowserContext, base: string): Promise<string[]> {
  const offsite: string[] = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(base) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
    offsite.push(url);
    return route.abort();
  });
  return offsite;
}
