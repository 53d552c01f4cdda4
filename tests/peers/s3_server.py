"""A real S3-protocol server on loopback: moto's standalone server.

boto3 talks to it through `S3_ENDPOINT_URL` over HTTP, so uploads, HEAD,
presigned URLs and plain GETs all run for real:

    with S3Peer() as s3:
        s3.create_bucket("fitness-voice-audio")
        ... S3_ENDPOINT_URL=s3.url, AUDIO_BUCKET="fitness-voice-audio" ...

Credentials are dummies (moto accepts any); set them in the environment of
the test (see `aws_environment`).
"""

import json
import socket

from moto.server import ThreadedMotoServer

DUMMY_AWS_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
DROPPED_AWS_ENVIRONMENT = ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION",
                           "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_POLLY")


def aws_environment(monkeypatch):
    """Dummy credentials and a region, and nothing from the real environment."""
    for name in DROPPED_AWS_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    for name, value in DUMMY_AWS_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")


def closed_port():
    """A loopback port nothing listens on (S3 "down")."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class S3Peer:
    def __init__(self):
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.url = None

    def start(self):
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        return self

    def stop(self):
        self._server.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def client(self):
        import boto3
        return boto3.client("s3", endpoint_url=self.url, region_name="us-east-1",
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    def create_bucket(self, name, public_read=False):
        client = self.client()
        client.create_bucket(Bucket=name)
        if public_read:
            client.put_bucket_policy(Bucket=name, Policy=json.dumps({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                               "Resource": f"arn:aws:s3:::{name}/*"}],
            }))
        return name
