# loyalty-gateway: the release step in a build stage, its production install in a second, and a
# runtime stage with nothing but node, the release and its dependencies, run as an unprivileged user.
# The steps are those test/e2e/release.e2e.test.ts runs: the release step, then `npm ci` in the folder.
# BASE: any Debian-based image with node and npm (Node 22 or 24); a local base can stand in for it:
#   docker build --build-arg BASE=node:24-bookworm-slim -t loyalty-gateway .
ARG BASE=node:24-bookworm-slim

FROM ${BASE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# The dev tools that build the release; the generation the postinstall would run comes below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run release -- /release

FROM ${BASE} AS install
WORKDIR /app
COPY --from=build /release/ ./
# The release's .npmrc omits dev dependencies and install scripts.
RUN npm ci --no-audit --no-fund

FROM ${BASE}
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=1 \
    HOST=0.0.0.0 \
    PORT=4000 \
    DATABASE_URL=file:/data/gateway.db
WORKDIR /app
COPY --from=install /app ./
# Any uid works (no entry in /etc/passwd needed); only /data is writable by it.
RUN mkdir -p /data && chown 10001:10001 /data
USER 10001:10001
VOLUME /data
EXPOSE 4000
# /readyz answers 200 once the database answers; node is in the image, curl is not.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and gets SIGTERM itself (docker stop), drains, and exits 0.
# The flags are package.json's config.node_flags, as `npm start` passes them.
STOPSIGNAL SIGTERM
CMD ["node", "--heap-growing-percent=100", "dist/src/main.js"]
