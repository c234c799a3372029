# The JetOps image: one image for the web server, the Celery worker and beat (compose.yaml and
# the Procfile choose the command). Configuration comes from the environment (.env.example).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY . .
RUN pip install -c constraints.txt -e . \
    && useradd --create-home --uid 1000 jetops \
    && mkdir -p var /srv/jetops/media \
    && chown jetops var /srv/jetops/media

USER jetops
EXPOSE 8000
# Static files are collected at start, with the production settings the container runs with.
CMD ["sh", "-c", "python manage.py collectstatic --no-input -v 0 && exec gunicorn jetops.asgi:application"]
