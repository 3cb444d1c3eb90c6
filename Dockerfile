# quartier — container image. Not built in CI (no Docker daemon there).
#   docker build -t quartier .
#   docker run -p 8080:8080 -v quartier-data:/data quartier
# The image also holds quartier-proxy, the load balancer of the scale-out
# setup (docker-compose.yml).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# CGO is needed by the SQLite driver.
RUN CGO_ENABLED=1 go build -trimpath -ldflags="-s -w" -o /out/quartier ./cmd/quartier \
 && CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/quartier-proxy ./cmd/quartier-proxy

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data quartier \
 && mkdir -p /data && chown quartier /data
COPY --from=build /out/quartier /out/quartier-proxy /usr/local/bin/
USER quartier
WORKDIR /data
VOLUME ["/data"]
ENV QUARTIER_SERVER_LISTEN=0.0.0.0:8080 \
    QUARTIER_DATABASE_DSN=/data/quartier.db \
    QUARTIER_MAIL_DIR=/data/mail
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["/usr/local/bin/quartier"]
CMD ["serve"]
