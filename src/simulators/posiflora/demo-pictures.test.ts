import { describe, expect, it } from "vitest";
import { DEMO_ITEMS, demoItemId } from "./catalog-seed.ts";
import { demoPicture } from "./demo-pictures.ts";

describe("demo pictures", () => {
  it("draws every demo item, and items of different kinds differently", () => {
    const pictures = DEMO_ITEMS.map((i) => demoPicture(`${i.slug}.svg`));
    for (const p of pictures) expect(p).toMatch(/^<svg [^>]+>.*<\/svg>$/);
    // Most items get a picture of their own; the few alike are the same kind of bouquet.
    expect(new Set(pictures).size).toBeGreaterThan(DEMO_ITEMS.length * 0.8);
  });

  it("draws red roses red and white roses white, by Posiflora image id as by slug", () => {
    const red = demoPicture(`img-${demoItemId("rose-15")}-1.svg`);
    expect(red).toBe(demoPicture("rose-15.svg"));
    expect(red).toContain("#d00000");
    expect(demoPicture("rose-white-11")).toContain('fill="#ffffff"');
    expect(demoPicture("rose-white-11")).not.toContain("#d00000");
    // The second photo is the same thing on another background.
    const second = demoPicture(`img-${demoItemId("rose-15")}-2.svg`);
    expect(second).not.toBe(red);
    expect(second.replace(/#eaf2f6/, "#f6f1ea")).toBe(red);
  });
});
