# syntax=docker/dockerfile:1
#
# sessionstore's image: compile with the dev toolchain, then ship the npm
# package's files (package.json "files") with production dependencies only,
# run by the unprivileged `node` user.
#
# test/packaging/container-recipe.test.ts replays this file without Docker
# and runs the result, so keep to what it understands: RUN in shell form with
# paths relative to WORKDIR, COPY of whole files and folders, ENV as KEY=value,
# HEALTHCHECK and CMD in exec form.

# Node.js 26 is the Active LTS line; trixie is Debian's stable release. Pin
# the digest as well (node:26-trixie-slim@sha256:...) where builds must be
# reproducible.
ARG NODE_IMAGE=node:26-trixie-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# No install scripts: compiling needs none, and none then runs at build time.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json buf.yaml ./
COPY proto proto
COPY src src
# `npm pack` takes exactly what package.json "files" names, so what ships is
# said in one place and the image holds the same tree as the package.
RUN npm run build \
 && npm pack --silent \
 && mkdir package \
 && tar -xzf sessionstore-*.tgz -C package --strip-components=1

# A stage of its own so the production install is cached apart from the
# sources: it reruns only when package*.json change.
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
# No production dependency needs an install script to work (protobufjs's only
# prints advice).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE}
# NODE_ENV only here: in the stages above it would make `npm ci` leave out the
# dev dependencies the build needs. METRICS_PORT is where Prometheus metrics
# are served.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=50051 \
    METRICS_PORT=9464
WORKDIR /app
COPY --from=prod-deps /app/node_modules node_modules
COPY --from=build /src/package ./
# The files stay root's, so the service cannot change its own code.
USER node
EXPOSE 50051 9464
# Asks grpc.health.v1 on the gRPC port (see src/healthcheck.ts): exit 0 when
# SERVING. The path is absolute so the check does not rely on the runtime
# starting it in WORKDIR. The probe's own deadline is 2 s.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "/app/dist/healthcheck.js"]
# node is PID 1, with no init in front of it. The kernel gives PID 1 no default
# signal actions, so a signal it does not handle is ignored; but main.ts
# handles SIGTERM and SIGINT (stop taking calls, drain, exit 0), and the
# service starts no child processes, so there are no orphans to reap. An init
# would add nothing but a process; `docker run --init` is there for anyone
# who wants one.
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
