# Sourced by demo.sh and test.sh: make .venv exactly what uv.lock says (every transitive
# dependency pinned), with the extras given as arguments, then activate it.
#
#   source scripts/_venv.sh samples        # command one: the product + the sample generator
#   source scripts/_venv.sh dev samples    # command two: + test and lint tools
#
# uv itself comes from PyPI at a pinned version into .tools/ (not into .venv: `uv sync`
# removes whatever the lock does not list). Nothing is installed when uv.lock, pyproject.toml
# and the extras are the same as at the last successful sync (stamp in .venv).
UV_VERSION=0.13.9
PY="${PYTHON:-$(command -v python3.11 || command -v python3)}"
UV_HOME=.tools/uv-$UV_VERSION
UV="$UV_HOME/bin/uv"
extras=("$@")
stamp=.venv/.synced-$( { cat uv.lock pyproject.toml; echo "${extras[*]}"; "$PY" -V; } \
    | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
    echo "Installing the locked dependencies (uv.lock) into .venv (a minute or two the first time) ..."
    # The installers' chatter goes to a log that is shown only when something fails.
    mkdir -p .tools
    log=.tools/install.log
    if ! {
        { [ -x "$UV" ] || { "$PY" -m venv "$UV_HOME" \
            && "$UV_HOME/bin/python" -m pip install --quiet "uv==$UV_VERSION"; }; } \
        && UV_PROJECT_ENVIRONMENT=.venv "$UV" sync --frozen --python "$PY" --no-python-downloads \
            "${extras[@]/#/--extra=}"
    } > "$log" 2>&1; then
        cat "$log" >&2
        echo "Installing dependencies failed (log above, also in $log)." >&2
        exit 1
    fi
    rm -f .venv/.synced-* .venv/.installed-* && touch "$stamp"
fi
# shellcheck disable=SC1091
source .venv/bin/activate
