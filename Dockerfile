# The registry as one small image: migrations run at start, then the API serves on :8000.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN useradd --create-home --uid 10001 registry

COPY . .
RUN pip install . && rm -rf /root/.cache

USER registry
WORKDIR /home/registry
# The embedded default keeps its SQLite file and .eml mail in the user's home; set
# REGISTRY_DATABASE_URL=postgresql+asyncpg://... for production.
ENV REGISTRY_DATABASE_URL=sqlite+aiosqlite:////home/registry/var/registry.db
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]
CMD ["python", "-m", "registry", "serve", "--host", "0.0.0.0", "--port", "8000"]
