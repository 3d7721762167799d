"""Starts `fnconsole engine` (the release build) on a free loopback port with a fresh data
directory and the keys in engine.toml, for the Python SDK tests."""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
BINARY = Path(os.environ.get("FNCONSOLE_BIN", HERE.parent / "target" / "release" / "fnconsole"))
CONFIG = HERE / "engine.toml"


def keys():
    """The `[engine]` keys of engine.toml."""
    with open(CONFIG, "rb") as f:
        return tomllib.load(f)["engine"]


class Engine:
    """A running engine: `url`, `host` (`127.0.0.1:port`), `keys`; `stop()` ends it."""

    def __init__(self):
        if not BINARY.exists():
            raise RuntimeError(f"{BINARY} is missing: run `cargo leptos build --release` (make test does)")
        self.keys = keys()
        self._dir = tempfile.mkdtemp(prefix="fnconsole-sdk-")
        env = {
            "PATH": os.environ.get("PATH", ""),
            "RUST_LOG": "warn",
            "FNCONSOLE_CONFIG": str(CONFIG),
            "FNCONSOLE_DATA_DIR": os.path.join(self._dir, "data"),
            "FNCONSOLE_ENGINE_LISTEN": "127.0.0.1:0",
        }
        self._proc = subprocess.Popen(
            [str(BINARY), "engine"], cwd=self._dir, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        found = {}

        def read():
            for line in self._proc.stdout:
                found.setdefault("output", []).append(line)
                m = re.search(r"running at http://([\d.:]+)", line)
                if m and "host" not in found:
                    found["host"] = m.group(1)
                    ready.set()
            ready.set()

        ready = threading.Event()
        threading.Thread(target=read, daemon=True).start()
        ready.wait(20)
        if "host" not in found:
            self.stop()
            raise RuntimeError("the engine did not start:\n" + "".join(found.get("output", [])))
        self.host = found["host"]
        self.url = f"http://{self.host}"

    def stop(self):
        if self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)
            self._proc.wait(20)
        if self._proc.stdout:
            self._proc.stdout.close()
        shutil.rmtree(self._dir, ignore_errors=True)
