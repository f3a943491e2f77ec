#!/bin/sh
set -e
exec litellm --config litellm.config.yaml --host 127.0.0.1 --port 8000
