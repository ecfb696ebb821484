"""Cluster Explorer settings: one flat file, every value from the environment (see README)."""

import fnmatch
import re
from pathlib import Path

import dj_database_url

from explorer.env import (
    env_bool,
    env_choices,
    env_etcd_access,
    env_int,
    env_list,
    env_networks,
    env_origins,
    env_str,
    env_url,
)
from explorer.lib.choices import NODE_ACCESS, NODE_ACCESS_SETTING

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("EXPLORER_DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY") or env_str("EXPLORER_SECRET_KEY")
if not SECRET_KEY:
    # Local runs keep a generated key beside the database; the team install sets SECRET_KEY.
    _key_file = BASE_DIR / ".secret_key"
    if not _key_file.exists():
        import secrets

        _key_file.write_text(secrets.token_urlsafe(50))
        _key_file.chmod(0o600)
    SECRET_KEY = _key_file.read_text().strip()

ALLOWED_HOSTS = env_list("EXPLORER_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
# Origins besides the app's own that may POST forms and open the websocket: a proxy in front
# that serves the app under another host or port (`https://explorer.example.com`).
CSRF_TRUSTED_ORIGINS = env_origins("EXPLORER_TRUSTED_ORIGINS")
EXPLORER_PORT = env_int("EXPLORER_PORT", 8000, minimum=1, maximum=65535)
EXPLORER_DEMO = env_bool("EXPLORER_DEMO", False)
EXPLORER_DEMO_CHURN_SECONDS = env_int("EXPLORER_DEMO_CHURN_SECONDS", 3, minimum=0, maximum=3600)
# the demo kept in a private etcd (Debian's etcd-server) when installed, as kube-apiserver keeps it
EXPLORER_DEMO_ETCD = env_bool("EXPLORER_DEMO_ETCD", True)
EXPLORER_PARSED_FACTS_MB = env_int("EXPLORER_PARSED_FACTS_MB", 512, minimum=1, maximum=1024 * 1024)
KUBECONFIG = env_str("KUBECONFIG")
REDIS_URL = env_url("REDIS_URL", ("redis", "rediss", "unix"))

INSTALLED_APPS = [
    "daphne",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "explorer.jobs",
    "explorer.snapshots",
    "explorer.web",
    "explorer.runtime",
]

MIDDLEWARE = [
    "explorer.web.security.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "explorer.web.share_sessions.ShareSessionMiddleware",
    "explorer.web.login_required.LoginEverywhereMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "explorer.urls"
ASGI_APPLICATION = "explorer.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "explorer.web.context_processors.header",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_url(
            "DATABASE_URL",
            ("sqlite", "postgres", "postgresql", "pgsql"),
            f"sqlite:///{BASE_DIR / 'explorer.sqlite3'}",
        ),
        conn_max_age=60,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A publisher's request channel (explorer/streaming/names.py) is where every tab's subscriptions
# ask for models and renew their leases: 200 tabs opened together renew together, a burst over
# the 100 a channel holds, and the full models asked for in it were lost (bench/load_mixed.py).
PUBLISHER_CHANNELS, PUBLISHER_CAPACITY = "explorer.publisher.*", 10_000
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 reads with a 5 s socket timeout by default, which aborts the layer's
            # 5 s blocking BZPOPMIN and kills idle consumers (django/channels_redis#422).
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": 10}],
                "capacity": 100,  # messages waiting per channel; more are dropped
                "channel_capacity": {PUBLISHER_CHANNELS: PUBLISHER_CAPACITY},
                "expiry": 60,
            },
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {
                "capacity": 100,
                # (pattern, capacity) pairs: this layer, unlike Redis's, does not compile globs
                "channel_capacity": [
                    (re.compile(fnmatch.translate(PUBLISHER_CHANNELS)), PUBLISHER_CAPACITY)
                ],
                "expiry": 60,
            },
        }
    }

# Counts of failed logins (explorer/web/login_throttle.py): shared by every web process.
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
# kombu's Redis transport, repaired so that a worker survives Redis restarting
# (explorer/jobs/broker.py). Not for rediss://, whose TLS kombu sets up by the URL's scheme.
if REDIS_URL.startswith("redis://"):
    CELERY_BROKER_TRANSPORT = "explorer.jobs.broker:Transport"
# Without Redis, tasks run in this process (explorer.jobs.dispatch puts them on a thread).
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_RESULT_EXPIRES = 3600
# A task's result or state stored or read while Redis is away is tried again, backing off up to
# 10 s between tries, for a few minutes: a job that ends while Redis restarts is not lost.
CELERY_RESULT_BACKEND_ALWAYS_RETRY = True
CELERY_RESULT_BACKEND_MAX_RETRIES = 30

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / ".staticfiles"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("EXPLORER_SESSION_HOURS", 12, minimum=1, maximum=24 * 90) * 3600
# Served over HTTPS (a TLS proxy in front, README "Behind HTTPS"): cookies only over HTTPS, HSTS,
# and the proxy's X-Forwarded-Proto believed — the proxy must set it, whatever the client sent.
EXPLORER_HTTPS = env_bool("EXPLORER_HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = EXPLORER_HTTPS
SECURE_HSTS_SECONDS = env_int(
    "EXPLORER_HSTS_SECONDS", 31_536_000 if EXPLORER_HTTPS else 0, minimum=0, maximum=63_072_000
)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if EXPLORER_HTTPS else None

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Proxies (addresses or networks) whose X-Forwarded-For is believed for the client's address
# (explorer/web/client_address.py): the reverse proxy in front, if any.
TRUSTED_PROXIES = env_networks("EXPLORER_TRUSTED_PROXIES")

# Every page needs a login (explorer.web.login_required); JSON endpoints answer 401/403 as JSON.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "overview"
LOGOUT_REDIRECT_URL = "login"
CSRF_FAILURE_VIEW = "explorer.web.pages.csrf_failure"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"without_secrets": {"()": "explorer.web.secret_paths.WithoutSecrets"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["without_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("EXPLORER_LOG_LEVEL", "INFO")},
}

CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task delivered again after it succeeded (its acknowledgement lost with Redis) is not run again:
# the worker reads its stored state first. Rounds of a polling task: explorer/jobs/once.py.
CELERY_WORKER_DEDUPLICATE_SUCCESSFUL_TASKS = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Queues: "default", and "node.<node name>" for node-scoped tasks (explorer/jobs/queues.py).
CELERY_TASK_ROUTES = ("explorer.jobs.queues.route",)
CELERY_TASK_CREATE_MISSING_QUEUES = True
# A node-scoped task not taken within this many seconds expires (its node may have no agent).
CELERY_NODE_TASK_EXPIRES = env_int("EXPLORER_NODE_TASK_EXPIRES", 60, minimum=1, maximum=86400)
# Redis holds a delivered task that is not yet acknowledged (acks_late) for this many seconds;
# after that it is delivered again, so a task whose worker was killed is not lost. Keep it longer
# than any task runs (else a slow task is delivered twice). A node task delivered again after its
# CELERY_NODE_TASK_EXPIRES is dropped unrun: its collection has gone agentless by then.
_VISIBILITY_TIMEOUT = env_int("EXPLORER_BROKER_VISIBILITY_TIMEOUT", 600, minimum=1, maximum=86400)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _VISIBILITY_TIMEOUT,
    # How often a worker looks for such tasks (kombu's default is every 100 s).
    "unacked_restore_interval": max(1, min(10, _VISIBILITY_TIMEOUT // 3)),
    "unacked_restore_throttle": 1,
}
# Every node's facts collected on a schedule (0: only when someone presses "Collect now"): by
# beat in the team install, by a thread of `serve` in the embedded one (the demo: every 10 s).
EXPLORER_COLLECT_EVERY_MINUTES = env_int(
    "EXPLORER_COLLECT_EVERY_MINUTES", 5, minimum=0, maximum=1440
)
CELERY_BEAT_SCHEDULE = {
    "prune-downloads": {"task": "explorer.jobs.tasks.prune_downloads", "schedule": 3600.0},
}
if EXPLORER_COLLECT_EVERY_MINUTES:
    CELERY_BEAT_SCHEDULE["collect-node-facts"] = {
        "task": "explorer.jobs.schedule.collect_every_cluster",
        "schedule": EXPLORER_COLLECT_EVERY_MINUTES * 60.0,
    }
# Where finished bundle downloads wait (web and worker share it; explorer/snapshots/downloads.py).
EXPLORER_DOWNLOAD_DIR = env_str("EXPLORER_DOWNLOAD_DIR", str(BASE_DIR / ".downloads"))
# What the app keeps of its own (explorer/runtime/process.py): each cluster's change log — its
# flight recorder — under <dir>/changes/ (explorer/state/change_log.py), kept
# EXPLORER_CHANGE_LOG_HOURS and at most EXPLORER_CHANGE_LOG_MB per cluster, with a checkpoint of
# the whole state every EXPLORER_CHECKPOINT_MINUTES (rebuilding a moment replays at most that);
# node facts taken within EXPLORER_IN_FLIGHT_SECONDS of a change to what they show are "in
# flight", not drift.
EXPLORER_STATE_DIR = env_str("EXPLORER_STATE_DIR", str(BASE_DIR / ".state"))
EXPLORER_CHANGE_LOG_HOURS = env_int("EXPLORER_CHANGE_LOG_HOURS", 6, minimum=1, maximum=24 * 30)
EXPLORER_CHANGE_LOG_MB = env_int("EXPLORER_CHANGE_LOG_MB", 512, minimum=1, maximum=1024 * 1024)
EXPLORER_CHECKPOINT_MINUTES = env_int("EXPLORER_CHECKPOINT_MINUTES", 10, minimum=1, maximum=24 * 60)
EXPLORER_IN_FLIGHT_SECONDS = env_int("EXPLORER_IN_FLIGHT_SECONDS", 5, minimum=0, maximum=3600)
# Snapshots (explorer/snapshots/store.py): their bundle files, how long they are kept (0: until
# deleted), how many loaded states a process keeps in memory for the next page, and the most an
# imported bundle may hold (compressed, as uploaded; and decompressed).
EXPLORER_SNAPSHOT_DIR = env_str("EXPLORER_SNAPSHOT_DIR", "")  # "": <EXPLORER_STATE_DIR>/snapshots
EXPLORER_SNAPSHOT_DAYS = env_int("EXPLORER_SNAPSHOT_DAYS", 90, minimum=0, maximum=36500)
EXPLORER_SNAPSHOT_CACHE = env_int("EXPLORER_SNAPSHOT_CACHE", 4, minimum=1, maximum=64)
EXPLORER_SNAPSHOT_UPLOAD_MB = env_int("EXPLORER_SNAPSHOT_UPLOAD_MB", 512, minimum=1, maximum=65536)
EXPLORER_SNAPSHOT_MAX_MB = env_int("EXPLORER_SNAPSHOT_MAX_MB", 2048, minimum=1, maximum=262144)
# The largest etcd data file the snapshots page takes (explorer/web/etcd_upload.py): etcd's own
# default quota is 2 GiB, and its recommended most 8 GiB.
EXPLORER_ETCD_UPLOAD_MB = env_int("EXPLORER_ETCD_UPLOAD_MB", 2560, minimum=1, maximum=65536)
# A share link to a snapshot is open this many days unless its maker picks otherwise (at most 30:
# explorer/snapshots/sharing.py).
EXPLORER_SHARE_DAYS = env_int("EXPLORER_SHARE_DAYS", 7, minimum=1, maximum=30)
# A text analysed on the paste page is kept this long, for its permalink (explorer/web/
# paste_store.py), readable by the install's logged-in users, deletable by its owner and staff.
EXPLORER_PASTE_DAYS = env_int("EXPLORER_PASTE_DAYS", 30, minimum=1, maximum=3650)
# Privileged ways to a node (explorer/lib/choices.py): `exec` (pods/exec into its kube-proxy
# pod), `nodes-proxy` (the kubelet's metrics through nodes/proxy), `etcd-agent` and `etcd-exec`
# (etcd), `scheduler-config` (the agent on a control-plane node reads kube-scheduler's
# configuration file). Off unless listed here (an agent reads its own); the explorer otherwise
# only reads the API.
EXPLORER_NODE_ACCESS = env_choices(NODE_ACCESS_SETTING, NODE_ACCESS)
# The DNS trace page may ask the cluster DNS for real (from this process's network), and may ask
# another server instead (`ip` or `ip:port`, e.g. a port-forward to CoreDNS).
EXPLORER_DNS_LIVE = env_bool("EXPLORER_DNS_LIVE", False)
EXPLORER_DNS_LIVE_SERVER = env_str("EXPLORER_DNS_LIVE_SERVER", "")
# etcd, read only (explorer/etcd/): EXPLORER_ETCD_ENDPOINTS (client URLs, tried in turn),
# _CA_FILE, _CERT_FILE, _KEY_FILE (TLS), _TIMEOUT (seconds per call), _PREFIX (kube-apiserver's
# --etcd-prefix). None: this process does not read etcd.
EXPLORER_ETCD = env_etcd_access()
# The cluster (a kubeconfig context) whose etcd EXPLORER_ETCD_* reach; "": the only cluster
# watched, else the kubeconfig's current context (explorer/runtime/etcd_readers.py).
EXPLORER_ETCD_CLUSTER = env_str("EXPLORER_ETCD_CLUSTER", "")
# The node agent's way to etcd (`etcd-agent` in EXPLORER_NODE_ACCESS, explorer/jobs/
# etcd_reader.py): the node whose agent reads it ("": the first control-plane node), how long a
# read is awaited, and how long one segment of a live watch runs on the agent.
EXPLORER_ETCD_AGENT_NODE = env_str("EXPLORER_ETCD_AGENT_NODE", "")
EXPLORER_ETCD_AGENT_TIMEOUT = env_int("EXPLORER_ETCD_AGENT_TIMEOUT", 30, minimum=1, maximum=600)
EXPLORER_ETCD_AGENT_WATCH_SECONDS = env_int(
    "EXPLORER_ETCD_AGENT_WATCH_SECONDS", 60, minimum=5, maximum=600
)
