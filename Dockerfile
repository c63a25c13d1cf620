# syntax=docker/dockerfile:1
# Berth: one image for the API (default CMD) and the fleet writer (apps/worker, another CMD).
#   docker build -t berth:0.1.0 .
#   docker run -p 8080:8080 -e DATABASE_URL=postgresql://… berth:0.1.0
#   docker run -e DATABASE_URL=… -e BERTH_FLEET_REPO_URL=… berth:0.1.0 node dist/apps/worker/apps/worker/src/main.js
# Everything comes from the npm and Debian registries (no other host), so it builds behind a registry mirror.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# The postinstall script generates the Prisma client: it needs the schema and the CLI preload first.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund
COPY tsconfig.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run -s build \
 # Production dependencies only; the generated Prisma client (node_modules/.prisma) stays.
 && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
# git (+ ssh) for the fleet writer; tini as PID 1 so signals reach Node and zombie git/ssh children are reaped.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git openssh-client tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    # A read-only root filesystem: git and ssh write their scratch files under /tmp (an emptyDir in deploy/).
    HOME=/tmp
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json /app/prisma.config.ts ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/prisma ./prisma
COPY --from=build --chown=root:root /app/dist ./dist
# The files belong to root and are read-only for the process: it runs as the image's unprivileged `node` (1000).
USER 1000:1000
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/apps/api/apps/api/src/main.js"]
