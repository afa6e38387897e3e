"""The Redis cache backend that keeps one redis-py client per pool (cms/base/redis_cache.py):
it must behave as Django's own, across threads and across processes' separate caches."""

import os
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from django.core.cache.backends.redis import RedisCache

from cms.base.redis_cache import ReusedClientRedisCache

LOCATION = "redis://127.0.0.1:6379/7"


def _cache(cls, prefix):
    return cls(LOCATION, {"KEY_PREFIX": prefix})


@pytest.fixture
def prefix(request):
    try:
        redis.Redis.from_url(LOCATION).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    name = f"test-reused-{os.getpid()}-{request.node.name}"  # two runs at once
    yield name
    _cache(RedisCache, name).clear()


def test_one_client_serves_every_call(prefix, monkeypatch):
    cache = _cache(ReusedClientRedisCache, prefix)
    built = []
    original = redis.Redis.__init__

    def counting(self, *args, **kwargs):
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counting)
    cache.set("a", 1)
    assert cache.add("b", "x") and not cache.add("b", "y")
    assert cache.incr("a") == 2
    assert cache.get("b") == "x"
    assert len(built) == 1


def test_what_one_writes_another_reads(prefix):
    """Two processes' caches (Django's own backend and this one) on one Redis agree."""
    ours, django_s = _cache(ReusedClientRedisCache, prefix), _cache(RedisCache, prefix)
    ours.set("report", {"count": 3}, 60)
    assert django_s.get("report") == {"count": 3}
    django_s.add("secret", "s", 60)
    assert ours.get("secret") == "s"
    ours.delete("secret")
    assert django_s.get("secret") is None


def test_a_shared_client_counts_every_increment_across_threads(prefix):
    cache = _cache(ReusedClientRedisCache, prefix)
    cache.set("n", 0)
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(lambda _: cache.incr("n"), range(400)))
    assert sorted(results) == list(range(1, 401))
    assert cache.get("n") == 400
