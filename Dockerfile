# Cluster Explorer for the team install (docker-compose.yml): one image for web, watcher, worker,
# beat and the one-shot migrate service. The code runs from /app (BASE_DIR), where the app finds
# its templates and serves its static files itself (explorer/web/static_files.py).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app

WORKDIR /app

# Dependencies first, in their own layer: it is rebuilt only when pyproject.toml changes.
COPY pyproject.toml README.md ./
RUN mkdir explorer && touch explorer/__init__.py \
    && pip install . \
    && pip uninstall -y cluster-explorer \
    && rm -rf explorer build ./*.egg-info

COPY manage.py ./
COPY explorer ./explorer
COPY templates ./templates
COPY static ./static

# Runs unprivileged; /app stays owned by root (nothing is written there: SECRET_KEY comes from
# the environment, the database is PostgreSQL, beat keeps its schedule in /tmp). Finished
# downloads go to EXPLORER_DOWNLOAD_DIR, a volume web and worker share (its first mount takes
# this directory's owner).
RUN useradd --system --uid 1000 --home-dir /nonexistent --shell /usr/sbin/nologin explorer \
    && install -d -o explorer -g explorer /var/lib/explorer/downloads /var/lib/explorer/state
USER explorer

EXPOSE 8000
CMD ["python", "manage.py", "web", "--host", "0.0.0.0", "--port", "8000"]
