# Sourced by demo.sh and test.sh: create .venv with Python 3.11 and install the project
# (pinned in pyproject.toml) when it is missing or pyproject.toml changed since.
PY="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
    # Some machines list local find-links folders that do not exist; pip warns once per
    # package about them. Those lines are noise, every other message is kept.
    {
        .venv/bin/python -m pip install --quiet --upgrade pip
        .venv/bin/python -m pip install --quiet -e '.[dev]'
    } 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
    rm -f .venv/.installed-* && touch "$stamp"
fi
# shellcheck disable=SC1091
source .venv/bin/activate
