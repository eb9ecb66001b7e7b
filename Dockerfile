# The registry as one small image: migrations run at start, then the API serves on :8000.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN useradd --create-home --uid 10001 registry

# Exactly the packages (and file hashes) of the committed lock, so two builds get the same image. Copied
# alone first, so a change to the code does not reinstall them. Regenerate with the command atop the lock.
COPY requirements.lock .
RUN pip install --require-hashes --no-deps -r requirements.lock
COPY . .
RUN pip install --no-deps . && rm -rf /root/.cache

# The embedded default keeps its SQLite file and .eml mail on a volume, so what `seed` loads in one container
# is there for the next (docker run -v registry-data:/data …); the directory exists, owned by the user, before
# VOLUME, so a new named volume starts writable. For production set REGISTRY_DATABASE_URL=postgresql+asyncpg://…
RUN mkdir /data && chown registry:registry /data
VOLUME /data
ENV REGISTRY_DATABASE_URL=sqlite+aiosqlite:////data/registry.db REGISTRY_MAIL_DIR=/data/mail

USER registry
WORKDIR /home/registry
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]
# Every interface, so serve refuses the development key: run with -e REGISTRY_SECRET_KEY (python -m registry secret).
CMD ["python", "-m", "registry", "serve", "--host", "0.0.0.0", "--port", "8000"]
