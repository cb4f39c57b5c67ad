# coopbank server image: runs migrations, then serves the web app and /graphql.
# DATABASE_URL must point at PostgreSQL, e.g. postgres://bank:secret@db:5432/coopbank
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

RUN useradd --create-home --uid 10001 coopbank
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bankcore ./bankcore
COPY graphql_api ./graphql_api
COPY ui ./ui
COPY migrations ./migrations
COPY coopbank ./coopbank
# [redis]: NiceGUI's storage and the sign-in rate limits shared by several instances (docker-compose.yml)
RUN pip install '.[redis]'

USER coopbank
# 8080 the web app (and /graphql); 8081 the API workers of `serve --api-workers N`
EXPOSE 8080 8081
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz').status == 200 else 1)"
CMD ["sh", "-c", "coopbank migrate && exec coopbank serve --host 0.0.0.0 --port 8080"]
