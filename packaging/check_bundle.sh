#!/usr/bin/env bash
# Build the Linux bundle from a clean clone and run its self-test from the built files,
# with no source tree on the path. Prints the bundle size and the time to a visible window.
#
#   bash packaging/check_bundle.sh            # clones HEAD of this checkout into a temp folder
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d -t ponder-bundle-XXXXXX)"
trap 'rm -rf "$work"' EXIT

git clone --quiet "$src" "$work/src"
cd "$work/src"
python3 scripts/bootstrap.py install
.venv/bin/python -m pip install --quiet -e ".[packaging]"
.venv/bin/python packaging/build.py

bundle="$work/src/dist/ponder"
echo "bundle size: $(du -sh "$bundle" | cut -f1) (folder), $(du -sh dist/*.tar.gz | cut -f1) (tar.gz), $(du -sh dist/*.deb | cut -f1) (deb)"

# Run the frozen app from an empty folder with a bare environment: nothing from the source tree
# or the virtual environment can be imported.
run="$work/run"
mkdir -p "$run"
cd "$run"
env -i HOME="$run" PATH=/usr/bin:/bin LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen \
  "$bundle/ponder" --self-test 2>&1 | grep -v propagateSizeHints
echo "bundle self-test: passed"

# The catalog, icons and stylesheet are package data (app.data.*) that the app reads with
# importlib.resources: in the bundle they must lie where the wheel puts them.
env -i HOME="$run" PATH=/usr/bin:/bin LANG=C.UTF-8 "$bundle/ponder" models catalog > "$run/catalog.txt"
grep -Eq "^[* ]*qwen3-8b " "$run/catalog.txt" || { cat "$run/catalog.txt"; echo "bundle: the model catalog is missing"; exit 1; }
for f in resources/style.qss resources/ponder.svg resources/icons/send.svg; do
  [ -f "$bundle/_internal/app/data/$f" ] || { echo "bundle: app/data/$f is missing"; exit 1; }
done
echo "bundle data: catalog, icons and stylesheet in place"

# The window's translations (compiled by the spec) and Qt's own Chinese strings.
[ -f "$bundle/_internal/app/i18n/ponder_zh_CN.qm" ] || { echo "bundle: app/i18n/ponder_zh_CN.qm is missing"; exit 1; }
find "$bundle/_internal" -name qtbase_zh_CN.qm | grep -q . || { echo "bundle: Qt's qtbase_zh_CN.qm is missing"; exit 1; }
echo "bundle translations: in place"
