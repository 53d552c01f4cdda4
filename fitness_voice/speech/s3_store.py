"""The S3 audio store: a bucket on AWS or any S3-compatible server."""

import time

from .aws import aws_errors
from .files import CACHE_CONTROL, quote_text

MISSING = ("404", "NoSuchKey", "NotFound")


class S3Store:
    """An S3 bucket: objects with their content type, an immutable Cache-Control
    and the words in metadata; a public object URL or a presigned GET URL."""

    name = "s3"

    def __init__(self, client, bucket, prefix="audio/", url_mode="presigned",
                 expiry=86400, base_url=None):
        if url_mode not in ("public", "presigned"):
            raise ValueError(f"AUDIO_URL_MODE must be public or presigned, not {url_mode!r}")
        self.client = client
        self.bucket = bucket
        self.prefix = prefix or ""
        self.url_mode = url_mode
        self.expiry = int(expiry)
        self.base_url = (base_url or self._default_base_url()).rstrip("/")
        self._presigned = {}

    def key(self, name):
        return self.prefix + name

    def exists(self, name):
        from botocore.exceptions import ClientError
        with aws_errors("S3"):
            try:
                self.client.head_object(Bucket=self.bucket, Key=self.key(name))
                return True
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") in MISSING:
                    return False
                raise

    def put(self, name, data, content_type, text):
        with aws_errors("S3"):
            self.client.put_object(
                Bucket=self.bucket, Key=self.key(name), Body=data, ContentType=content_type,
                CacheControl=CACHE_CONTROL, Metadata={"text": quote_text(text)},
            )

    def url(self, name):
        if self.url_mode == "public":
            return f"{self.base_url}/{self.key(name)}"
        # Reuse one URL while it has more than half its life left, so Twilio's
        # media cache (keyed by URL) keeps hitting.
        now = time.time()
        cached = self._presigned.get(name)
        if cached and cached[1] - now > self.expiry / 2:
            return cached[0]
        with aws_errors("S3"):
            url = self.client.generate_presigned_url(
                "get_object", Params={"Bucket": self.bucket, "Key": self.key(name)},
                ExpiresIn=self.expiry)
        if len(self._presigned) > 20000:
            self._presigned.clear()
        self._presigned[name] = (url, now + self.expiry)
        return url

    def _default_base_url(self):
        meta = self.client.meta
        endpoint = meta.endpoint_url.rstrip("/")
        if "amazonaws.com" in endpoint:
            return f"https://{self.bucket}.s3.{meta.region_name}.amazonaws.com"
        return f"{endpoint}/{self.bucket}"  # S3-compatible stores: path style
