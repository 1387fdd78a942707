#!/usr/bin/env bash
# Re-fetches the UI's two third-party scripts from the npm registry and copies them into
# src/main/resources/web/assets/vendor/. The results are committed, so the Maven build and the
# running app never need the network; run this only to change a version (edit the pins below,
# run it, update vendor/README.md, and re-run scripts/test-ui).
#   ui/vendor.sh
set -euo pipefail
MARKED_VERSION=18.2.1
DOMPURIFY_VERSION=3.4.18

root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/src/main/resources/web/assets/vendor"
work=$(mktemp -d /tmp/conduit-vendor.XXXXXX)
trap 'rm -rf "$work"' EXIT

cd "$work"
npm pack --silent "marked@$MARKED_VERSION" "dompurify@$DOMPURIFY_VERSION" >/dev/null
mkdir marked dompurify
tar -xzf "marked-$MARKED_VERSION.tgz" -C marked
tar -xzf "dompurify-$DOMPURIFY_VERSION.tgz" -C dompurify

mkdir -p "$dest"
# The ES module builds (marked's is minified; DOMPurify ships no minified ES module, and the
# server gzips it). The source-map comments are dropped: the maps are not shipped.
sed '/^\/\/# sourceMappingURL=/d' marked/package/lib/marked.esm.js >"$dest/marked.esm.js"
sed '/^\/\/# sourceMappingURL=/d' dompurify/package/dist/purify.es.mjs >"$dest/purify.es.mjs"
cp marked/package/LICENSE "$dest/LICENSE.marked.txt"
cp dompurify/package/LICENSE "$dest/LICENSE.dompurify.txt"

sha() { sha256sum "$1" | cut -d' ' -f1; }
echo "marked $MARKED_VERSION: marked.esm.js sha256 $(sha "$dest/marked.esm.js")"
echo "dompurify $DOMPURIFY_VERSION: purify.es.mjs sha256 $(sha "$dest/purify.es.mjs")"
