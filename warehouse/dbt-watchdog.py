"""Runs dbt, and ends it with the Yardstick process that started it.

Yardstick starts this script in a process group of its own, with a pipe on file descriptor 3 whose other
end only Yardstick holds. When Yardstick ends, however it ends (kill -9 included), the kernel closes that
end, the read below returns, and the whole group -- dbt and anything it started -- is killed: a build
nobody waits for any more must not keep writing a warehouse or holding the CPU.

Usage (by warehouse/dbt-runner.ts): python dbt-watchdog.py <dbt arguments...>
"""

import os
import signal
import sys
import threading

PARENT_PIPE = 3


def _watch_parent() -> None:
    try:
        while os.read(PARENT_PIPE, 4096):
            pass
    except OSError:
        pass
    if os.getpgrp() == os.getpid():
        os.killpg(os.getpgrp(), signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    try:
        # dbt's own subprocesses (git, for packages) must not hold the pipe open after Yardstick is gone.
        os.set_inheritable(PARENT_PIPE, False)
    except OSError:
        sys.exit("dbt-watchdog: file descriptor 3, the pipe from Yardstick, is missing")
    threading.Thread(target=_watch_parent, name="yardstick-watchdog", daemon=True).start()
    from dbt.cli.main import cli

    sys.argv = ["dbt", *sys.argv[1:]]
    sys.exit(cli())


if __name__ == "__main__":
    main()
