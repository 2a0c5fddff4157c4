#!/usr/bin/env bash
# Command two: set up the environment (if needed) and run every check CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh dev samples
ruff check .
mypy            # pipelines/ and quality/, configured in pyproject.toml
dg check defs    # the dg project loads (pipelines/definitions.py, the defs folder)
# The report test screenshots the HTML in Debian's chromium (skipped when it is absent);
# CI installs it, with a CJK font so the Chinese text renders. Only as root under CI.
if [ "$(id -u)" = 0 ] && [ -n "${CI:-}" ]; then
    command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null) \
        || echo "chromium could not be installed: the report screenshot test will be skipped"
fi
# loadfile: a module's tests share one worker, so its "run the job once" fixture runs once.
pytest -n 2 --dist loadfile "$@"
