import type { Plugin } from "graphql-yoga";

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>loyalty-gateway</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>loyalty-gateway</h1>
<p>This is the GraphQL endpoint. GraphiQL, the in-browser editor, is off here: it is off by default
when <code>NODE_ENV=production</code>.</p>
<p>To turn it on, start the gateway with <code>GRAPHIQL=true</code>; send an API key in the
<code>Authorization: Bearer &lt;key&gt;</code> header from its headers tab.</p>
<p>Programs send <code>POST /graphql</code> with <code>Content-Type: application/json</code>.
Health: <a href="/healthz">/healthz</a>, readiness: <a href="/readyz">/readyz</a>.</p>
</body>
</html>
`;

/**
 * With GraphiQL off, a browser opening the endpoint (GET, accepting HTML, no query) gets a short page
 * that says so and how to turn it on, instead of Yoga's empty 406.
 */
export function useGraphiQLOffPage(graphqlEndpoint: string): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      if (request.method !== "GET" || url.pathname !== graphqlEndpoint || url.searchParams.has("query")) return;
      if (!(request.headers.get("accept") ?? "").includes("text/html")) return;
      endResponse(
        new Response(PAGE, {
          status: 200,
          headers: {
            "content-type": "text/html; charset=utf-8",
            "cache-control": "no-store",
            "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
            "x-content-type-options": "nosniff",
          },
        }),
      );
    },
  };
}
