# The browsing app (`kb ui`), as the `ui` service of docker-compose.yml runs it against Neo4j.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STREAMLIT_SERVER_HEADLESS=true \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false

WORKDIR /app
# .dockerignore keeps secrets (.env), virtual environments, caches and tests out of the context.
COPY . .
RUN pip install . \
    && useradd --create-home --uid 10001 kb

# The app only reads through `kb`; it needs no root and no writable application files.
USER kb
EXPOSE 8501

# python:3.11-slim has neither curl nor wget; Streamlit answers "ok" on /_stcore/health.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=4 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]

CMD ["kb", "ui", "--port", "8501", "--address", "0.0.0.0"]
