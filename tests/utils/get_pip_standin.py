"""Offline stand-in for the get-pip.py script that ansible-test downloads.

ansible-test bootstraps pip in each virtualenv it creates by running
~/.ansible/test/cache/get_pip_<major>_<minor>.py (downloaded on first use from a host that
is not reachable from every machine) with pip-install arguments such as
``pip==24.2 --disable-pip-version-check --no-setuptools --no-wheel``.

This stand-in does the same job with the standard library: ``ensurepip`` installs the pip
bundled with Python, then that pip installs the requested packages from the package index
configured on the machine. tests/utils/lib.sh copies it into ansible-test's cache only when
the cache file is missing.
"""

import ensurepip
import os
import subprocess
import sys

DROPPED_OPTIONS = {"--no-setuptools", "--no-wheel"}


def main():
    args = [arg for arg in sys.argv[1:] if arg not in DROPPED_OPTIONS]
    # ensurepip removes the PIP_* variables from os.environ and points PIP_CONFIG_FILE at
    # /dev/null, which would hide the machine's pip configuration (index, find-links,
    # certificates) from the next step: keep a copy of the environment from before.
    env = dict(os.environ)
    for name in ("PIP_CONFIG_FILE", "ENSUREPIP_OPTIONS"):
        env.pop(name, None)
    ensurepip.bootstrap()
    command = [sys.executable, "-m", "pip", "install", "--upgrade"] + args
    sys.exit(subprocess.call(command, env=env))


if __name__ == "__main__":
    main()
