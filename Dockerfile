# The production image: the production install (no torch, no test tools), a non-root
# user, the knowledge index and example vectors built in, and gunicorn on $PORT.
#   docker build -t fitness-voice .
#   docker run --rm --env-file prod.env fitness-voice release     # the one-off release step
#   docker run -p 8000:8000 --env-file prod.env fitness-voice     # web
# WITH_PIPER=true adds the local voice (GPL-3.0: see the README before shipping it).
FROM python:3.11-slim

ARG WITH_PIPER=false
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    APP_ENV=production \
    PORT=8000 \
    WEB_CONCURRENCY=1

WORKDIR /app
COPY requirements.txt requirements-piper.txt ./
RUN pip install -r requirements.txt \
    && if [ "$WITH_PIPER" = "true" ]; then pip install -r requirements-piper.txt; fi

RUN useradd --create-home --uid 10001 coach
COPY --chown=coach:coach . .
USER coach
# The instance folder (the embedded index, example vectors, a local audio cache) is
# the coach's own, filled here so a new container finds the index made.
RUN python -m fitness_voice.cli build

EXPOSE 8000
ENTRYPOINT ["/app/bin/container"]
CMD ["web"]
