import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type OpenApiDocument, OpenApiValidator } from "./openapi-validator.ts";

const doc = JSON.parse(readFileSync(new URL("../rkeeper/openapi.json", import.meta.url), "utf8")) as OpenApiDocument;
const validator = new OpenApiValidator(doc);
const org = { type: "rkObjectId", id: "4174244" };

describe("OpenApiValidator on the r_keeper document", () => {
  it("accepts a valid guests/get request", () => {
    expect(
      validator.validateRequest("POST", "/b2b/v1/loyalty/guests/get", {
        guest: { type: "phone", phone: "+79990001122" },
        organization: org,
      }),
    ).toEqual([]);
  });
  it("rejects extra properties, wrong enums, missing fields and bad formats", () => {
    const problems = validator.validateRequest("POST", "/b2b/v1/loyalty/orders/reset", { id: "not-a-uuid", extra: 1 });
    expect(problems).toEqual(
      expect.arrayContaining(["body.resetAt: is required", "body.id: must be a uuid", "body.extra: is not allowed"]),
    );
    expect(
      validator.validateRequest("POST", "/b2b/v1/loyalty/guests/get", { guest: { type: "email" }, organization: org }),
    ).toContain("body.guest.type: must be one of phone");
  });
  it("rejects null where the document does not allow it, and allows it where it does", () => {
    expect(
      validator.validateRequest("POST", "/b2b/v1/loyalty/orders/calculate", {
        order: { openedAt: "2026-11-24T10:00:00Z", items: [] },
        organization: org,
        guest: null,
      }),
    ).toContain("body.guest: must not be null");
    expect(
      validator.validateRequest("POST", "/b2b/v1/loyalty/guests/get", {
        guest: { type: "phone", phone: null },
        organization: org,
      }),
    ).toEqual([]);
  });
});
