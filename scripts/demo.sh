#!/usr/bin/env bash
# Command one: set up the environment, generate the bundled sample world, run the nightly
# job on it, and say where the results are. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh samples
export DISPUTES_HOME="${DISPUTES_HOME:-$PWD/data}"
export DAGSTER_HOME="${DAGSTER_HOME:-$DISPUTES_HOME/dagster}"
mkdir -p "$DAGSTER_HOME"
disputes dagster-home >/dev/null   # dagster.yaml: one writer run at a time, for `dagster dev`
disputes demo
