import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, chromiumPresent, launchChromium } from "../support/browser.ts";
import { spawnGateway, type SpawnedGateway } from "../support/spawn-gateway.ts";

describe.skipIf(!chromiumPresent)(
  `GraphiQL in a real browser (Chromium at ${CHROMIUM}; bash scripts/chromium.sh installs it)`,
  () => {
    let gateway: SpawnedGateway;
    let browser: Browser;

    beforeAll(async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "lg-browser-"));
      [gateway, browser] = await Promise.all([
        spawnGateway({
          DATABASE_URL: `file:${path.join(dir, "g.db")}`,
          STATUS_SYNC_SECONDS: "0",
          CATALOG_POLL_SECONDS: "0",
        }),
        launchChromium(),
      ]);
    }, 90_000);

    afterAll(async () => {
      await browser?.close();
      await gateway?.stop();
    });

    it("opens GraphiQL from the gateway alone (no CDN) and runs the demo query: catalog and stores from the Posiflora simulator", async () => {
      const page = await browser.newPage();
      const offsite: string[] = [];
      page.on("request", (r) => {
        if (!r.url().startsWith(gateway.url) && !r.url().startsWith("blob:") && !r.url().startsWith("data:"))
          offsite.push(r.url());
      });
      await page.goto(`${gateway.url}/graphql`, { waitUntil: "load" });
      const run = page.locator(".graphiql-execute-button");
      await run.waitFor({ state: "visible", timeout: 30_000 });
      const answer = page.waitForResponse(
        (r) =>
          r.url().startsWith(`${gateway.url}/graphql`) &&
          r.request().method() === "POST" &&
          (r.request().postData() ?? "").includes("DemoCustomer"),
      );
      await run.click();
      const body = await (await answer).json();
      expect(body.data.catalog.data.categories.map((c: { title: string }) => c.title)).toContain("Розы");
      expect(body.data.catalog.data.categories[0].products.totalCount).toBeGreaterThan(0);
      expect(body.data.stores.data.map((s: { id: string }) => s.id)).toEqual(["store-1", "store-2"]);
      // What the developer sees: the result pane shows the answer.
      await expect.poll(() => page.locator(".graphiql-response").innerText(), { timeout: 15_000 }).toContain('"data"');
      expect(offsite).toEqual([]);
    }, 90_000);
  },
);
