#!/bin/sh
# Start one LiteLLM proxy instance: run.sh <instance>
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
case "${1:-}" in
  litellm-1) host=127.0.0.1 port=8000 ;;
  *) echo "usage: $0 litellm-1" >&2; exit 2 ;;
esac
exec litellm --config "$here/litellm.config.yaml" --host "$host" --port "$port" --num_workers 1
