"""Object storage by URL, for the site push (push.py) and the search pull (gongshi_site.pull).

    s3://bucket/prefix        an S3-compatible bucket (AWS, MinIO, Ceph, OSS, COS…): read
                              and write, through boto3
    https://cdn.example/path  a web server or CDN in front of that bucket: read only

No Django. Credentials for s3:// come from the arguments or boto3's own chain
(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, an instance role).
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator


class StoreError(Exception):
    """The object store could not be reached or refused the request."""


def open_store(url: str, **options) -> S3Store | HTTPStore:
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme == "s3":
        return S3Store(url, **options)
    if scheme in ("http", "https"):
        return HTTPStore(url)
    raise StoreError(f"不支持的地址（应为 s3:// 或 https://）：{url}")


class S3Store:
    def __init__(
        self,
        url: str,
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key: str | None = None,
        secret_key: str | None = None,
    ):
        import boto3
        from botocore.config import Config

        parts = urllib.parse.urlsplit(url)
        if not parts.netloc:
            raise StoreError(f"地址缺少存储桶名：{url}")
        self.url = url
        self.bucket = parts.netloc
        self.prefix = parts.path.strip("/") + "/" if parts.path.strip("/") else ""
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region or None,
            aws_access_key_id=access_key or None,
            aws_secret_access_key=secret_key or None,
            config=Config(retries={"max_attempts": 5, "mode": "standard"}),
        )

    def key(self, path: str) -> str:
        return self.prefix + path.lstrip("/")

    def get(self, path: str) -> bytes | None:
        """The object's bytes, or None when there is none."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.key(path))
            return answer["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise StoreError(f"读取 {self.key(path)} 失败：{error}") from error
        except BotoCoreError as error:
            raise StoreError(f"读取 {self.key(path)} 失败：{error}") from error

    def put(
        self,
        path: str,
        body: bytes,
        *,
        content_type: str,
        cache_control: str,
        metadata: dict[str, str] | None = None,
        content_disposition: str | None = None,
    ) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        extra = {"ContentDisposition": content_disposition} if content_disposition else {}
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=self.key(path),
                Body=body,
                ContentType=content_type,
                CacheControl=cache_control,
                Metadata=metadata or {},
                **extra,
            )
        except (BotoCoreError, ClientError) as error:
            raise StoreError(f"上传 {self.key(path)} 失败：{error}") from error

    def delete(self, paths: Iterable[str]) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        keys = [{"Key": self.key(path)} for path in paths]
        for start in range(0, len(keys), 1000):  # the API's limit per request
            try:
                answer = self.client.delete_objects(
                    Bucket=self.bucket, Delete={"Objects": keys[start : start + 1000]}
                )
            except (BotoCoreError, ClientError) as error:
                raise StoreError(f"删除对象失败：{error}") from error
            if answer.get("Errors"):
                raise StoreError(f"删除对象失败：{answer['Errors'][0]}")

    def list(self, path: str) -> Iterator[str]:
        """Paths (relative to the prefix) of the objects under `path`."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.key(path)
        )
        for page in pages:
            for entry in page.get("Contents", []):
                yield entry["Key"][len(self.prefix) :]


class HTTPStore:
    """Read-only: the pushed site as a web server or CDN serves it."""

    def __init__(self, url: str, timeout: float = 60):
        self.url = url.rstrip("/") + "/"
        self.timeout = timeout

    def get(self, path: str) -> bytes | None:
        url = self.url + urllib.parse.quote(path.lstrip("/"))
        request = urllib.request.Request(url, headers={"Cache-Control": "no-cache"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            if error.code in (403, 404):  # a private bucket answers 403 for a missing key
                return None
            raise StoreError(f"读取 {url} 失败：HTTP {error.code}") from error
        except OSError as error:
            raise StoreError(f"读取 {url} 失败：{error}") from error
