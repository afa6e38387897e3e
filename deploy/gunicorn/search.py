"""gunicorn settings of the search service (gongshi.search.service:application).

    gunicorn -c deploy/gunicorn/search.py gongshi.search.service:application

It reads the live build's index (GONGSHI_SITE_DIR) and never the CMS's database.
GONGSHI_SEARCH_BIND and GONGSHI_SEARCH_WORKERS override the address and process count.
"""

import multiprocessing
import os

bind = os.environ.get("GONGSHI_SEARCH_BIND", "127.0.0.1:8011")
# A query is CPU work (segmenting, scoring): one process per core and a spare; threads
# let a process answer while another request reads the index from disk.
workers = int(os.environ.get("GONGSHI_SEARCH_WORKERS", multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = 4
timeout = 30
graceful_timeout = 20
keepalive = 5
max_requests = 5000
max_requests_jitter = 500
accesslog = None
errorlog = "-"
loglevel = "info"
proc_name = "gongshi-search"
# jieba's dictionary loads once in the master, before the workers fork.
preload_app = True


def on_starting(server):
    from gongshi.search.chinese import warm_up

    warm_up()


# Signals (systemd) control the server; no control socket in the service user's home.
control_socket_disable = True
