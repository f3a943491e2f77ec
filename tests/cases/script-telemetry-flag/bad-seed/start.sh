#!/bin/sh
# The seed guide: "Prometheus Metrics: Enable with --telemetry prometheus"
litellm --config /path/to/litellm.config.yaml --host 10.0.0.10 \
  --telemetry prometheus
