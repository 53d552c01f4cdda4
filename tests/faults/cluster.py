"""A throwaway Postgres cluster of our own, to restart under a live app.

The shared server at 127.0.0.1:5432 serves every other test and helper and is
never touched: this one is initdb'd into a temporary folder and listens on a
free port of its own. Postgres refuses to run as root, so as root the cluster
runs as the `postgres` user.
"""

import glob
import os
import shutil
import subprocess
import tempfile
import time

import pytest

from tests.ports import free_port


def _binaries():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return os.path.dirname(found[-1]) if found else None


class ThrowawayPostgres:
    def __init__(self):
        self.bin = _binaries()
        if self.bin is None:  # as tests/postgres.py: CI must not pass by skipping
            message = "no Postgres binaries under /usr/lib/postgresql"
            if os.environ.get("CI") == "true":
                pytest.fail(message)
            pytest.skip(message)
        self.root = tempfile.mkdtemp(prefix="fitness_voice_pg_")
        self.data = os.path.join(self.root, "data")
        self.port = free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()

    @property
    def url(self):
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self):
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", self.data, "-o", options, "-l",
                  os.path.join(self.root, "log"), "-w", "-t", "30", "start")

    def stop(self):
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def restart(self, seconds_down):
        self.stop()
        time.sleep(seconds_down)
        self.start()

    def destroy(self):
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, program, *args):
        subprocess.run([*self.as_user, os.path.join(self.bin, program), *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)
