"""moto's S3 server for the tests that push to or read from object storage.

    with s3_server(port) as endpoint:
        bucket = make_bucket(endpoint, "site")

The server is real HTTP on 127.0.0.1, so boto3, django-storages and urllib reach it as
they would reach MinIO or a cloud's object storage.
"""

from __future__ import annotations

import os
import socket
from contextlib import contextmanager

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@contextmanager
def s3_server(port: int):
    """An S3 server on `port`; yields its endpoint URL. Credentials go into os.environ
    (boto3 reads them there) for as long as it runs."""
    from moto.server import ThreadedMotoServer

    saved = {name: os.environ.get(name) for name in CREDENTIALS}
    os.environ.update(CREDENTIALS)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def make_bucket(endpoint: str, name: str):
    """A fresh, empty bucket (emptied if a test left it behind); returns a boto3 client."""
    import boto3

    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    try:
        client.create_bucket(Bucket=name)
    except client.exceptions.BucketAlreadyOwnedByYou:
        pass  # us-east-1 answers 200 instead, so empty it either way
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=name):
        for entry in page.get("Contents", []):
            client.delete_object(Bucket=name, Key=entry["Key"])
    return client


def push_every_build_to(settings, endpoint: str, url: str):
    """Settings that push every build to `url` (s3://bucket/prefix) on `endpoint`, with
    that bucket made empty; returns a boto3 client."""
    settings.GONGSHI_SITE_PUSH_URL = url
    settings.GONGSHI_SITE_PUSH_ENDPOINT_URL = endpoint
    return make_bucket(endpoint, url.removeprefix("s3://").split("/")[0])
