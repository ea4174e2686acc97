import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

/** The built Mini App's JavaScript (web/dist/assets/*.js): bytes as served and gzipped (level 9). */
export function miniAppBundleSize(dist: string): { raw: number; gzip: number; files: string[] } {
  const dir = path.join(dist, "assets");
  const files = readdirSync(dir).filter((f) => f.endsWith(".js"));
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const bytes = readFileSync(path.join(dir, f));
    raw += bytes.byteLength;
    gzip += gzipSync(bytes, { level: 9 }).byteLength;
  }
  return { raw, gzip, files };
}
