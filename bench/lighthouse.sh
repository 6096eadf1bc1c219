#!/usr/bin/env bash
# Lighthouse's accessibility, best-practices and SEO scores of the forum as a visitor on a phone:
# the home page, a community, a challenge, a solution and a search, each served by gunicorn
# (gunicorn.conf.py) over a fresh database with the demo data, read by Debian's Chromium.
# Not part of `make test`: run it by hand after `make test` (which makes .venv). Reports go to
# bench/results/lighthouse/ (JSON and HTML per page); the scores are printed as a table.
#
#   bench/lighthouse.sh            # PORT=5077 by default
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PORT=${PORT:-5077}
LIGHTHOUSE_VERSION=12.8.2 # the newest that runs on Debian's Node 20
OUT="$ROOT/bench/results/lighthouse"
TOOLS="$ROOT/bench/results/lighthouse-tools"
CHROME_PATH=${CHROME_PATH:-$(command -v chromium || echo /usr/bin/chromium)}
export CHROME_PATH
BIN="$ROOT/.venv/bin"

mkdir -p "$OUT" "$TOOLS"
if [ ! -x "$TOOLS/node_modules/.bin/lighthouse" ]; then
  npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error "lighthouse@$LIGHTHOUSE_VERSION"
fi

WORK=$(mktemp -d)
export COCREATE_SQLALCHEMY_DATABASE_URI="sqlite:///$WORK/forum.db"
export COCREATE_SEARCH_INDEX_DIR="$WORK/search"
export COCREATE_SECRET_KEY=lighthouse-only
export COCREATE_BASE_URL="http://127.0.0.1:$PORT"
export COCREATE_RATELIMIT_ENABLED=false # Lighthouse loads each page several times
FLASK="$BIN/flask --app app"
$FLASK db upgrade >/dev/null 2>&1
$FLASK seed-demo >/dev/null 2>&1
$FLASK search reindex >/dev/null 2>&1

"$BIN/gunicorn" --config gunicorn.conf.py --workers 2 --bind "127.0.0.1:$PORT" app:app 2>"$WORK/gunicorn.log" &
WEB=$!
trap 'kill $WEB 2>/dev/null; wait $WEB 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 60); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break
  sleep 0.5
done

PAGES=(
  "home /"
  "community /c/haier-washers"
  "challenge /challenges/1"
  "solution /solutions/1"
  "search /search?q=drum"
)
printf '%-10s %14s %15s %4s  %s\n' page accessibility best-practices seo "flagged (score < 1)"
for entry in "${PAGES[@]}"; do
  name=${entry%% *}
  path=${entry#* }
  "$TOOLS/node_modules/.bin/lighthouse" "http://127.0.0.1:$PORT$path" --quiet \
    --only-categories=accessibility,best-practices,seo --form-factor=mobile \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage" \
    --output=json --output=html --output-path="$OUT/$name" >/dev/null 2>"$WORK/lighthouse-$name.log" || {
    echo "$name: lighthouse failed (see below)"
    tail -5 "$WORK/lighthouse-$name.log"
    continue
  }
  node -e '
    const report = require(process.argv[1]);
    const score = (id) => Math.round(report.categories[id].score * 100);
    const flagged = new Set();
    for (const id of ["accessibility", "best-practices", "seo"]) {
      for (const ref of report.categories[id].auditRefs) {
        const audit = report.audits[ref.id];
        // Audits Lighthouse shows but does not score (weight 0) are listed too, marked.
        if (audit.score !== null && audit.score < 1) flagged.add(ref.weight > 0 ? ref.id : `${ref.id} (unscored)`);
      }
    }
    console.log(process.argv[2].padEnd(10), String(score("accessibility")).padStart(14),
      String(score("best-practices")).padStart(15), String(score("seo")).padStart(4), "", [...flagged].join(", "));
  ' "$OUT/$name.report.json" "$name"
done
