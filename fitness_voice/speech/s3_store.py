"""The S3 audio store: a bucket on AWS or any S3-compatible server.

Objects carry their content type and an immutable Cache-Control, and nothing
of what they say (no metadata: a GET of the URL returns only audio). A
lifecycle rule (`flask speech lifecycle`, run by the release step) expires
objects `expiry_days` after they were written; an object close to its
expiry counts as missing, so a phrase still in use is written again and
lives on."""

import datetime
import time

from .aws import aws_errors
from .files import CACHE_CONTROL, FOLDER

MISSING = ("404", "NoSuchKey", "NotFound")
RULE_ID = "fitness-voice-audio-expiry"
RENEW_BEFORE = datetime.timedelta(days=1)  # rewrite a phrase this long before it expires


class S3Store:
    """An S3 bucket: a public object URL or a presigned GET URL."""

    name = "s3"
    trust_seconds = 300.0  # between HEADs of a phrase this process knows is stored

    def __init__(self, client, bucket, prefix="audio/", url_mode="presigned",
                 expiry=86400, base_url=None, expiry_days=None):
        if url_mode not in ("public", "presigned"):
            raise ValueError(f"AUDIO_URL_MODE must be public or presigned, not {url_mode!r}")
        self.client = client
        self.bucket = bucket
        self.prefix = prefix or ""
        self.url_mode = url_mode
        self.expiry = int(expiry)
        self.expiry_days = expiry_days
        self.base_url = (base_url or self._default_base_url()).rstrip("/")
        self._presigned = {}

    def key(self, name):
        return self.prefix + name

    def exists(self, name):
        from botocore.exceptions import ClientError
        with aws_errors("S3"):
            try:
                head = self.client.head_object(Bucket=self.bucket, Key=self.key(name))
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") in MISSING:
                    return False
                raise
        return not self._expiring(head.get("LastModified"))

    def put(self, name, data, content_type, text):
        with aws_errors("S3"):
            self.client.put_object(Bucket=self.bucket, Key=self.key(name), Body=data,
                                   ContentType=content_type, CacheControl=CACHE_CONTROL)
        self._presigned.pop(name, None)

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

    def delete_folder(self, folder):
        """Delete every object of one caller's folder; return how many there were."""
        if not FOLDER.match(folder):
            raise ValueError(f"not a caller's folder: {folder!r}")
        deleted = 0
        with aws_errors("S3"):
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self.key(folder + "/"))
            for page in pages:
                keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
                if keys:
                    self.client.delete_objects(Bucket=self.bucket,
                                               Delete={"Objects": keys, "Quiet": True})
                    deleted += len(keys)
        self._presigned = {name: url for name, url in self._presigned.items()
                           if not name.startswith(folder + "/")}
        return deleted

    def apply_lifecycle(self):
        """Put the bucket's lifecycle rule expiring our prefix after expiry_days,
        keeping any other rules the bucket has. Returns the rule."""
        from botocore.exceptions import ClientError
        if not self.expiry_days:
            raise ValueError("AUDIO_EXPIRY_DAYS is not set")
        rule = {"ID": RULE_ID, "Status": "Enabled", "Filter": {"Prefix": self.prefix},
                "Expiration": {"Days": int(self.expiry_days)}}
        with aws_errors("S3"):
            try:
                current = self.client.get_bucket_lifecycle_configuration(Bucket=self.bucket)
                rules = [r for r in current.get("Rules", []) if r.get("ID") != RULE_ID]
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "NoSuchLifecycleConfiguration":
                    raise
                rules = []
            self.client.put_bucket_lifecycle_configuration(
                Bucket=self.bucket, LifecycleConfiguration={"Rules": [*rules, rule]})
        return rule

    def _expiring(self, written):
        if not self.expiry_days or written is None:
            return False
        expires = written + datetime.timedelta(days=int(self.expiry_days))
        return expires - datetime.datetime.now(datetime.UTC) < RENEW_BEFORE

    def _default_base_url(self):
        meta = self.client.meta
        endpoint = meta.endpoint_url.rstrip("/")
        if "amazonaws.com" in endpoint:
            return f"https://{self.bucket}.s3.{meta.region_name}.amazonaws.com"
        return f"{endpoint}/{self.bucket}"  # S3-compatible stores: path style
