# kfp-graph: a multi-stage build. The runtime image holds the compiled JavaScript (npm run build → dist/), the
# production dependencies and nothing else, runs as a non-root user and writes nothing to its filesystem, so the
# Deployment's `readOnlyRootFilesystem: true` holds (test/deploy/production-start.test.ts runs this CMD so).
# No HEALTHCHECK: the kubelet probes /healthz and /readyz (deploy/base/deployment.yaml).

FROM node:20.20.2-bookworm-slim AS build
# better-sqlite3 compiles its addon when no prebuilt binary can be fetched; the compilers stay in this stage.
RUN apt-get update \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY resolvers ./resolvers
COPY migrations ./migrations
COPY deploy ./deploy
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20.20.2-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The image's `node` user (uid 1000) owns nothing here: the files stay root's and read-only to the server.
USER 1000:1000
EXPOSE 4000 9090
CMD ["node", "dist/src/main.js"]
