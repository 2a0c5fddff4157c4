# Sourced by demo.sh and test.sh: create .venv with Python 3.11 and install the project
# (pinned in pyproject.toml) when it is missing or pyproject.toml changed since.
PY="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
    echo "Installing the pinned dependencies into .venv (about a minute) ..."
    # pip's own chatter (build-backend notices, find-links warnings of some machines) goes to
    # a log that is shown only when the install fails.
    if ! { .venv/bin/python -m pip install --quiet --upgrade pip \
            && .venv/bin/python -m pip install --quiet -e '.[dev]'; } > .venv/install.log 2>&1; then
        cat .venv/install.log >&2
        echo "Installing dependencies failed (log above, also in .venv/install.log)." >&2
        exit 1
    fi
    rm -f .venv/.installed-* && touch "$stamp"
fi
# shellcheck disable=SC1091
source .venv/bin/activate
