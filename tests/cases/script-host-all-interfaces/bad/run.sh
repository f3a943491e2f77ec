#!/bin/sh
litellm --config /etc/litellm.yaml --port 4000
