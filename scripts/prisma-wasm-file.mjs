// Run by `npm run generate`, after `prisma generate`. Prisma's "prisma-client" generator (runtime
// "client") loads its query compiler from a module holding the WebAssembly as a 2.3 MB base64 string.
// An ES module is never unloaded, so that string stayed on the heap twice (the module's source and its
// export) for the life of the process: about 4.5 MB of a gateway at rest. This writes the decoded bytes
// to generated/<db>/query_compiler.wasm and makes the generated loader read that file instead. It fails
// loudly when the generated loader no longer has the shape it rewrites (a Prisma upgrade changed it).
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const LOADER =
  /const \{ wasm \} = await import\("(@prisma\/client\/runtime\/query_compiler_\w+\.\w+\.wasm-base64\.mjs)"\)\n\s*return await decodeBase64AsWasm\(wasm\)/;

for (const db of ["sqlite", "pg"]) {
  const classFile = path.join("generated", db, "internal", "class.ts");
  const source = readFileSync(classFile, "utf8");
  const match = LOADER.exec(source);
  if (!match) {
    if (source.includes('new URL("../query_compiler.wasm", import.meta.url)')) continue; // already rewritten
    throw new Error(`${classFile}: Prisma's query-compiler loader changed shape; update scripts/prisma-wasm-file.mjs`);
  }
  const { wasm } = await import(match[1]);
  const bytes = Buffer.from(wasm, "base64");
  if (bytes.subarray(0, 4).toString("latin1") !== "\0asm") throw new Error(`${match[1]}: not WebAssembly`);
  writeFileSync(path.join("generated", db, "query_compiler.wasm"), bytes);
  writeFileSync(
    classFile,
    source.replace(
      LOADER,
      [
        'const { readFile } = await import("node:fs/promises")',
        '    return new WebAssembly.Module(await readFile(new URL("../query_compiler.wasm", import.meta.url)))',
      ].join("\n"),
    ),
  );
}
