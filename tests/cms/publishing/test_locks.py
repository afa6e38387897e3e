"""The build lock across machines: on PostgreSQL an advisory lock that a second worker
(another connection, as from another machine) cannot take while a build holds it, and
that a worker's death releases."""

import os

import pytest

from cms.publishing import locks, tasks
from gongshi_site.atomic import BuildBusy

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs PostgreSQL (DATABASE_URL)",
    ),
]


def test_one_build_at_a_time_across_connections():
    with locks.build_lock():
        with pytest.raises(BuildBusy), locks.build_lock(wait=0.5):
            pass
    with locks.build_lock(wait=0):
        pass  # released when the first build finished


def test_a_dead_workers_lock_dies_with_its_connection():
    from django.db import connections

    holder = connections.create_connection("default")
    with holder.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [locks.BUILD_LOCK_KEY])
    with pytest.raises(BuildBusy), locks.build_lock(wait=0):
        pass
    holder.close()  # what the server does when a worker's process is killed
    with locks.build_lock(wait=2):
        pass


def test_requests_from_many_servers_at_once_queue_one_build():
    from threading import Barrier, Thread

    from django.db import connection

    from cms.publishing.models import SiteBuild

    SiteBuild.objects.all().delete()
    start = Barrier(8)

    def publish(number):
        start.wait()
        try:
            tasks.request_build(f"发布：并发{number}")
        finally:
            connection.close()

    threads = [Thread(target=publish, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    [queued] = SiteBuild.objects.filter(status=SiteBuild.Status.QUEUED)
    assert sorted(queued.trigger_list) == sorted(f"发布：并发{n}" for n in range(8))
