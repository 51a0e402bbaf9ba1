# The phone app, built with Node 20
FROM node:20-slim AS pwa
WORKDIR /pwa
COPY pwa/package.json pwa/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY pwa/ ./
RUN npm run build

# The server; a CJK font for the photo watermarks; pg_dump for `anxun backup` (Debian's client
# is 15 or newer: at least the compose database's version, as pg_dump requires)
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy-microhei postgresql-client \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY backend ./backend
RUN pip install --no-cache-dir .
COPY --from=pwa /pwa/dist /app/pwa/dist
ENV ANXUN_DATA_DIR=/data ANXUN_HOST=0.0.0.0 ANXUN_PWA_DIR=/app/pwa/dist
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=3)"
# alone (docker run): migrate, then serve; docker-compose.yml runs setup, app and worker apart
CMD ["sh", "-c", "anxun setup && exec anxun serve --workers ${ANXUN_WORKERS:-2}"]
