"""Command line of the CMR simulator (docs/developer/DESIGN.md#simulator): ``python3 tests/simulator --port P --api-key K``.

Prints exactly one line ``listening on http://HOST:PORT`` once it accepts connections and
exits with status 0 on SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from typing import Any

# ``python3 tests/simulator`` puts this folder on sys.path already; make it true for
# ``python3 -m`` style launches and for ``runpy`` too.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import voluptuous  # noqa: F401  pylint: disable=unused-import
except ImportError:
    sys.exit("cmrsim: the Python package 'voluptuous' is missing (pip install -r requirements.txt)")

from cmrsim.app import serve  # noqa: E402  pylint: disable=wrong-import-position
from cmrsim.state import State  # noqa: E402  pylint: disable=wrong-import-position


class Stopper:
    """Signal handling that stops ``serve_forever`` from a helper thread.

    Raising from a signal handler is unsafe here: socketserver catches exceptions raised
    while it starts a request thread, so the stop could be swallowed.
    """

    def __init__(self) -> None:
        self.requested = threading.Event()
        self.server: Any = None

    def __call__(self, _signum: int, _frame: Any) -> None:
        self.requested.set()
        if self.server is not None:
            threading.Thread(target=self.server.shutdown, daemon=True).start()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The documented options; see tests/simulator/README.md."""
    parser = argparse.ArgumentParser(prog="python3 tests/simulator", description="Stateful local simulator of the CMR partner API.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, required=True, help="port to bind; 0 picks a free port (printed on the listening line)")
    parser.add_argument("--api-key", required=True, help="the only accepted API key; also the webhook signing key")
    parser.add_argument("--state-file", help="persist state to this JSON file and reload it on start")
    parser.add_argument("--async-delay", type=float, default=0.2, help="seconds per async step (default 0.2)")
    parser.add_argument("--rate-limit", type=float, default=5.0, help="requests per second per key, 0 = off (default 5)")
    parser.add_argument("--wallet", type=float, default=1000.0, help="starting wallet balance in USD (default 1000)")
    parser.add_argument("--webhook-url", help="POST signed webhook deliveries to this URL")
    parser.add_argument("--sandbox", action="store_true", help="expect cmr-x-sandbox-api-key instead of cmr-x-api-key")
    parser.add_argument("--tls-cert", help="serve HTTPS with this certificate chain (PEM); needs --tls-key")
    parser.add_argument("--tls-key", help="private key (PEM) of --tls-cert")
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run until SIGTERM/SIGINT; 0 on a clean stop, 2 on a bad state file or a port in use."""
    args = parse_args(argv)
    state = State(args.api_key, async_delay=args.async_delay, wallet=args.wallet, state_file=args.state_file,
                  webhook_url=args.webhook_url, sandbox=args.sandbox)
    try:
        state.start()
    except (OSError, ValueError) as err:
        print(f"cmrsim: cannot load state: {err}", file=sys.stderr)
        return 2
    stopper = Stopper()
    signal.signal(signal.SIGTERM, stopper)
    signal.signal(signal.SIGINT, stopper)
    status = 0
    try:
        stopper.server = serve(args.host, args.port, state, args.rate_limit, tls=(args.tls_cert, args.tls_key) if args.tls_cert else None)
        if not stopper.requested.is_set():  # a signal may arrive as soon as the listening line is out
            stopper.server.serve_forever(poll_interval=0.2)
    except OSError as err:  # e.g. the port is taken, or an unreadable certificate (ssl.SSLError is an OSError)
        print(f"cmrsim: cannot listen on {args.host}:{args.port}: {err}", file=sys.stderr)
        status = 2
    finally:
        if stopper.server is not None:
            stopper.server.server_close()
        state.stop()
    return status


if __name__ == "__main__":
    sys.exit(main())
