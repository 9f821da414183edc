"""What every harness folder needs to run terun: the package root, the binary, a free port.

The binary comes from TERUN_BIN (scripts/test.sh sets it to `$(swift build --show-bin-path)/terun`);
otherwise the debug build's path is asked from SwiftPM. The folders' conftest.py files import
this module (it sits one folder up from them, so they add that folder to sys.path first).
"""
import os
import pathlib
import socket
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]


def terun_bin():
    if os.environ.get("TERUN_BIN"):
        return os.environ["TERUN_BIN"]
    out = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True, check=True)
    return str(pathlib.Path(out.stdout.strip()) / "terun")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch_sim(token, *args):
    """Starts `terun sim` on a free port with `token`; returns (process, port) once it listens."""
    port = free_port()
    process = subprocess.Popen(
        [terun_bin(), "sim", "--port", str(port), "--token", token, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    banner = process.stdout.readline()
    if "listening" not in banner:
        process.kill()
        raise RuntimeError(f"terun sim did not start: {banner}{process.stderr.read()}")
    return process, port
