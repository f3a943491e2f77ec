#!/bin/sh
exec litellm --config /etc/litellm/litellm.config.yaml --host 10.0.0.10 --port 4000
