import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));
const gateway = process.env.GATEWAY_URL ?? "http://localhost:4000";

/**
 * The reference Mini App: Preact through Vite's own JSX transform (oxc), no framework plugin. `base: "./"`
 * keeps every asset URL relative, so the build works at the gateway's /app/ or on any static host.
 * `npm run dev:web` proxies the gateway's endpoints to GATEWAY_URL (default http://localhost:4000).
 */
export default defineConfig({
  root: here,
  base: "./",
  publicDir: false,
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2020",
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
  server: {
    fs: { allow: [fileURLToPath(new URL("..", import.meta.url))] },
    proxy: {
      "/graphql": gateway,
      "/app/demo-session": gateway,
      "/app/demo-contact": gateway,
      "/__sim": gateway,
    },
  },
});
