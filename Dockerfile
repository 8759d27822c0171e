# ciltune as a container: `docker build -t REGISTRY/ciltune:0.1.0 .`, then deploy/ (kustomize) runs it as a CronJob.
#
# Stage 1 builds with the full toolchain; stage 2 is distroless Node 20 (no shell, no package manager) holding
# only the compiled output and production dependencies. It runs as the distroless "nonroot" user (65532) and
# writes nothing outside /tmp, so the CronJob mounts the root filesystem read-only with an emptyDir on /tmp.

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY rules ./rules
COPY scripts ./scripts
COPY fixtures ./fixtures
COPY docs ./docs
COPY schema ./schema
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM gcr.io/distroless/nodejs20-debian12:nonroot AS runtime
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/oclif.manifest.json ./oclif.manifest.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/bin ./bin
COPY --from=build /src/dist ./dist
# `ciltune demo` serves these; `ciltune explain` links docs/codes.md
COPY --from=build /src/fixtures ./fixtures
COPY --from=build /src/docs ./docs
# oclif and Node look for a writable home for caches; the root filesystem is read-only
ENV HOME=/tmp NODE_ENV=production
USER 65532:65532
ENTRYPOINT ["/nodejs/bin/node", "/app/bin/run.js"]
CMD ["doctor", "--help"]
