"""Configuration defaults; instance/config.py and COCREATE_* variables override them."""

# The database defaults to SQLite in the instance folder; the factory fills the path in.
SQLALCHEMY_DATABASE_URI = None
SQLALCHEMY_ENGINE_OPTIONS = {}
SQLALCHEMY_RECORD_QUERIES = False

# Generated into instance/secret_key on first start when not configured.
SECRET_KEY = None

# The address fans reach the forum at: what mail (and webhooks) link to, and command-line exports.
# Never taken from a request's Host header. PUBLIC_URL is its older name, read when BASE_URL is unset.
BASE_URL = None
PUBLIC_URL = "http://127.0.0.1:5000"

# Serve over HTTPS: secure cookies, HSTS, https URLs.
HTTPS = False
HSTS_SECONDS = 31536000
# Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
TRUSTED_PROXIES = 0

# werkzeug's scrypt: slow and salted. Tests use a cheap method to stay quick.
PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105  (a method name, not a password)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14

WTF_CSRF_ENABLED = True
# CSRF is checked by a before-request hook of our own (forum/security.py), so that form
# views can re-render what the user typed when the token has expired.
WTF_CSRF_CHECK_DEFAULT = False
WTF_CSRF_TIME_LIMIT = 60 * 60 * 4

LANGUAGES = {"en": "English", "zh_Hans": "简体中文"}
# Short names for the switch in the header, where a phone has little room.
LANGUAGE_SHORT_NAMES = {"en": "English", "zh_Hans": "中文"}
BABEL_DEFAULT_LOCALE = "en"
BABEL_DEFAULT_TIMEZONE = "UTC"
LANGUAGE_COOKIE = "lang"

# A Redis every node shares (e.g. redis://10.0.0.5:6379/0). When set, rate limits and the job queue
# live there, so several nodes serve one forum; unset, they live in files of the instance folder.
REDIS_URL = None

RATELIMIT_ENABLED = True
# Counters every worker shares. None: REDIS_URL when set, else instance/ratelimits.sqlite
# (forum/ratelimit_storage.py), filled in by forum/settings.py. Any `limits` storage URI overrides it;
# memory:// counts in each worker alone, so four workers allow four times the limit.
RATELIMIT_STORAGE_URI = None
# When the storage fails, each worker counts in memory until it answers again (a weaker limit, not
# none), and what that does not cover (counting a failed login after the page) is logged, not a 500.
RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
RATELIMIT_SWALLOW_ERRORS = True
RATELIMIT_HEADERS_ENABLED = True
# Failed logins (the login form and POST /api/v1/tokens together): per address, and per account typed,
# whatever address the attempts come from. Successful logins do not count.
RATELIMIT_LOGIN = "10 per minute;100 per day"
RATELIMIT_LOGIN_ACCOUNT = "10 per minute;100 per day"
RATELIMIT_REGISTER = "5 per hour"
# Per account (per address for visitors): posting challenges, solutions and comments; voting.
RATELIMIT_POST = "10 per minute;200 per day"
RATELIMIT_VOTE = "60 per minute"
RATELIMIT_ACTION = "60 per minute"
RATELIMIT_FLAG = "10 per minute;50 per day"
# Exports read every idea of a community; per account.
RATELIMIT_EXPORT = "10 per minute"

# Mail, by Flask-Mailman's own settings (COCREATE_MAIL_SERVER=127.0.0.1 COCREATE_MAIL_PORT=2525 ...).
# Without a MAIL_SERVER, mail is written to files in MAIL_FILE_PATH (instance/mail/ by default).
MAIL_SERVER = None
MAIL_PORT = 25
MAIL_USE_TLS = False
MAIL_USE_SSL = False
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_DEFAULT_SENDER = "Cocreate <no-reply@localhost>"
MAIL_TIMEOUT = 30
# smtp, file, console or locmem (tests); None: smtp with a MAIL_SERVER, else file.
MAIL_BACKEND = None
MAIL_FILE_PATH = None
# A reset link works this long, once; a sign-up link this long.
PASSWORD_RESET_SECONDS = 60 * 60
REGISTRATION_SECONDS = 60 * 60 * 48
# Reset mails asked for, per address.
RATELIMIT_RESET = "5 per hour;20 per day"
# Accounts whose address is not confirmed may read and vote but not post, comment or report until
# they open a link mailed to it. Off by default: the embedded forum may have no mail server.
REQUIRE_CONFIRMED_EMAIL = False

# Flask-Compress: brotli (then gzip) for text a browser reads; images are compressed already.
COMPRESS_MIMETYPES = [
    "text/html",
    "text/css",
    "text/plain",
    "text/csv",
    "application/javascript",
    "text/javascript",
    "application/json",
    "image/svg+xml",
]
COMPRESS_ALGORITHM = ["br", "gzip"]
COMPRESS_ALGORITHM_STREAMING = ["br", "deflate"]
COMPRESS_BR_LEVEL = 4

# One INFO line per request (method, path, status, milliseconds).
LOG_REQUESTS = True
LOG_LEVEL = "INFO"

# Uploads larger than this are refused before the app reads them (six 8 MB images and the text).
MAX_CONTENT_LENGTH = 52 * 1024 * 1024

# Uploads decoded at once on one machine (None: one per CPU, half of gunicorn.conf.py's workers),
# and how long a post waits for its turn before it is refused with a message (forum/media/slots.py).
# Short: a waiting post holds its worker, and with 10 s four posts at once still held all four.
UPLOAD_DECODE_SLOTS = None
UPLOAD_DECODE_WAIT_SECONDS = 2
# An upload attached to nothing this long (its form was refused, then given up) is deleted.
UPLOAD_KEEP_SECONDS = 24 * 3600

# Visitors' pages (no session, GET, HTML) are kept this many seconds and served again until a
# commit changes what visitors read (forum/pagecache.py); 0 turns the cache off. Members always get
# fresh pages. Kept per worker (at most PAGE_CACHE_SIZE each), or in Redis when REDIS_URL is set.
PAGE_CACHE_SECONDS = 10
PAGE_CACHE_SIZE = 500
# Rendered cards and comments (without the reader's links) kept per worker, keyed by the data they
# show; 0 turns it off. The seconds bound anything the key misses.
FRAGMENT_CACHE_SIZE = 5000
FRAGMENT_CACHE_SECONDS = 300
# Prefixes the caches' keys in Redis, so that several forums can share one.
CACHE_KEY_PREFIX = "cocreate:"

# Where search looks: "whoosh", an index directory on this machine (the embedded default), or
# "postgres", documents in the PostgreSQL database itself, which every node shares
# (forum/search/pg.py). Both are derived from the content and rebuilt with `flask search reindex`.
SEARCH_BACKEND = "whoosh"
# The Whoosh index; defaults to instance/search-index.
SEARCH_INDEX_DIR = None

# The job queue (forum/jobs.py): a SQLite file, instance/jobs.sqlite unless set; Redis instead
# when REDIS_URL is set. JOBS_IMMEDIATE runs each job in the committing process (tests).
JOBS_DATABASE = None
JOBS_IMMEDIATE = False
# Threads of one `flask --app app worker` consumer.
JOBS_WORKERS = 2

# Webhooks (forum/webhooks/): the delays, in seconds, before each retry of a failed delivery
# (after the first try; eight tries over about 27 hours, as Standard Webhooks' reference sender),
# how many deliveries may fail in a row, every retry spent, before a hook is disabled, and how long
# one attempt may take. Deliveries to loopback, private, link-local and other non-public addresses
# are refused unless WEBHOOKS_ALLOW_PRIVATE (tests, intranets); redirects are not followed unless
# WEBHOOKS_FOLLOW_REDIRECTS, and then each hop is checked the same way.
WEBHOOK_RETRY_SECONDS = [5, 300, 1800, 7200, 18000, 36000, 36000]
WEBHOOK_DISABLE_AFTER = 5
WEBHOOK_CONNECT_SECONDS = 3
WEBHOOK_READ_SECONDS = 5
WEBHOOKS_ALLOW_PRIVATE = False
WEBHOOKS_FOLLOW_REDIRECTS = False

# Sign-in with a brand's own accounts through OpenID Connect (forum/accounts/oidc.py): a JSON list
# (or, in instance/config.py, a list) of {name, label, server_metadata_url, client_id,
# client_secret, key_claim}; key_claim, the claim an account is keyed on, defaults to "sub".
# Empty: no sign-in buttons and no such routes. Checked at start-up.
OIDC_PROVIDERS = []
# How long a new member has to pick a username after signing in with a provider.
OIDC_PENDING_SECONDS = 15 * 60
