"""gunicorn settings of the CMS (cms.wsgi): the admin, the read API, the report intake.

    gunicorn -c deploy/gunicorn/cms.py cms.wsgi

Listens on the loopback interface only: nginx is the only client, and the CMS trusts the
X-Real-IP and X-Forwarded-Proto headers nginx sets (docs/deploy.md). GONGSHI_CMS_BIND
and GONGSHI_CMS_WORKERS override the address and the process count.
"""

import multiprocessing
import os

bind = os.environ.get("GONGSHI_CMS_BIND", "127.0.0.1:8010")
# Requests wait on PostgreSQL and on argon2 (logins, receipts): sync workers, the usual
# 2 × cores + 1, bounded so a large machine does not open hundreds of connections.
workers = int(os.environ.get("GONGSHI_CMS_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 12)))
worker_class = "sync"
# An evidence upload of 32 MB over a slow line, and the intake's sealing, fit in this.
timeout = 120
# On SIGTERM or a reload, requests in flight get this long to finish.
graceful_timeout = 30
keepalive = 5
# A worker is replaced now and then, so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# Access logs are nginx's (which writes none for /report/); errors go to the journal.
accesslog = None
errorlog = "-"
loglevel = "info"
proc_name = "gongshi-cms"
# Each worker imports the application itself: a reload (SIGHUP) after an upgrade then
# loads the new code, worker by worker, without dropping requests.
preload_app = False
forwarded_allow_ips = "127.0.0.1,::1"
# Signals (systemd) control the server; no control socket in the service user's home.
control_socket_disable = True
