"""The boto3 clients of Polly and S3, built in one place, and their errors
turned into SpeechError."""

import contextlib

from .base import SpeechError


def aws_client(service, config, endpoint_url=None):
    """A boto3 client with short timeouts and few retries: a turn must not hang on AWS.
    Region and credentials come from the standard AWS environment and files."""
    import boto3
    from botocore.config import Config
    session = boto3.session.Session()
    options = {
        "connect_timeout": config.get("SPEECH_CONNECT_TIMEOUT", 2.0),
        "read_timeout": config.get("SPEECH_TIMEOUT", 5.0),
        "retries": {"total_max_attempts": config.get("SPEECH_MAX_ATTEMPTS", 2),
                    "mode": "standard"},
    }
    if service == "s3":
        options["signature_version"] = "s3v4"
        if endpoint_url:
            options["s3"] = {"addressing_style": "path"}
    return session.client(service, region_name=session.region_name or "us-east-1",
                          endpoint_url=endpoint_url or None, config=Config(**options))


@contextlib.contextmanager
def aws_errors(service):
    """Raise boto3's errors inside the block as SpeechError, naming `service`."""
    from botocore.exceptions import BotoCoreError, ClientError
    try:
        yield
    except (BotoCoreError, ClientError) as error:
        raise SpeechError(f"{service}: {type(error).__name__}: {error}") from error
