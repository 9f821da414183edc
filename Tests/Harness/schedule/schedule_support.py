"""Helpers for the `terun schedule` harness tests."""

import os
import subprocess


def run_terun(binary, args, workdir, check=None, timeout=120, env_extra=None):
    env = dict(os.environ)
    env.update(env_extra or {})
    env["TERUN_STATE_DIR"] = str(workdir / "state")
    env.pop("TE_TOKEN", None)
    result = subprocess.run(
        [binary, *args], cwd=workdir, env=env, capture_output=True, text=True, timeout=timeout
    )
    if check is not None:
        assert result.returncode == check, (result.returncode, result.stdout, result.stderr)
    return result
