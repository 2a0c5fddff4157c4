#!/usr/bin/env bash
# Command two: set up the environment (if needed) and run every check CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
ruff check .
dagster definitions validate -w workspace.yaml
pytest -n 2 "$@"
