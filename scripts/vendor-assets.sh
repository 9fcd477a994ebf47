#!/usr/bin/env bash
# Refresh the vendored front-end assets under static/vendor/ from the npm registry.
# Run by a developer when upgrading; the platform itself never fetches anything at run time.
# Pin versions here; each package's licence is copied beside its files and listed in VERSIONS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
DEST=static/vendor
PKGS=(bootstrap@5.3.8 htmx.org@2.0.8 echarts@5.6.0 bootstrap-icons@1.13.1)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && for p in "${PKGS[@]}"; do npm pack "$p" --silent >/dev/null; done && for f in *.tgz; do mkdir "${f%.tgz}" && tar -xzf "$f" -C "${f%.tgz}"; done)
rm -rf "$DEST" && mkdir -p "$DEST"
copy() { mkdir -p "$DEST/$2" && cp "$tmp/$1" "$DEST/$2/"; }
copy bootstrap-5.3.8/package/dist/css/bootstrap.min.css bootstrap
copy bootstrap-5.3.8/package/dist/js/bootstrap.bundle.min.js bootstrap
copy bootstrap-5.3.8/package/LICENSE bootstrap
copy htmx.org-2.0.8/package/dist/htmx.min.js htmx
copy htmx.org-2.0.8/package/LICENSE htmx
copy echarts-5.6.0/package/dist/echarts.min.js echarts
copy echarts-5.6.0/package/LICENSE echarts
copy echarts-5.6.0/package/NOTICE echarts
copy bootstrap-icons-1.13.1/package/font/bootstrap-icons.min.css bootstrap-icons
mkdir -p "$DEST/bootstrap-icons/fonts" && cp "$tmp"/bootstrap-icons-1.13.1/package/font/fonts/bootstrap-icons.woff* "$DEST/bootstrap-icons/fonts/"
copy bootstrap-icons-1.13.1/package/LICENSE bootstrap-icons
cat > "$DEST/VERSIONS.md" <<'MD'
# Vendored front-end assets

Refreshed by `scripts/vendor-assets.sh` from the npm registry. Served locally; nothing is loaded from a CDN.

| package | version | licence | files |
|---|---|---|---|
| bootstrap | 5.3.8 | MIT (bootstrap/LICENSE) | bootstrap.min.css, bootstrap.bundle.min.js (includes Popper) |
| htmx.org | 2.0.8 | 0BSD (htmx/LICENSE) | htmx.min.js |
| echarts | 5.6.0 | Apache-2.0 (echarts/LICENSE, NOTICE) | echarts.min.js |
| bootstrap-icons | 1.13.1 | MIT (bootstrap-icons/LICENSE) | bootstrap-icons.min.css, fonts/ |
MD
echo "vendored into $DEST"
