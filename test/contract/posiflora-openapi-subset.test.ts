import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  POSIFLORA_OPENAPI_SOURCE,
  POSIFLORA_OPENAPI_SUBSET,
  posifloraSubset,
} from "../../scripts/posiflora-openapi-subset.ts";

/** The simulator's copy of the vendor's document is what the script makes of shared/ (when shared/ is beside). */
describe.skipIf(!existsSync(POSIFLORA_OPENAPI_SOURCE))("the Posiflora OpenAPI subset", () => {
  it("matches scripts/posiflora-openapi-subset.ts run on shared/providers/posiflora-openapi.json", () => {
    const fresh = posifloraSubset(JSON.parse(readFileSync(POSIFLORA_OPENAPI_SOURCE, "utf8")));
    expect(readFileSync(POSIFLORA_OPENAPI_SUBSET, "utf8")).toBe(fresh);
  });
});
