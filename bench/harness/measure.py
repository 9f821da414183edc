"""Runs a command as a child process and measures it: wall time, CPU time, peak RSS.

CPU time and peak RSS are the kernel's rusage of that one process (ru_utime + ru_stime,
ru_maxrss in KiB), as wait4 returns it, so nothing else on the machine is counted. The wait4
is GNU time's, not this harness's: Linux folds the high-water RSS of the address space a
process had before exec into its ru_maxrss, so a child forked from this Python process would
report at least the harness's own RSS (seen: `true` at 213 MiB under a 200 MiB harness).
GNU time is small, so its child starts from ~1 MiB. Wall time is measured here.
"""

import os
import statistics
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass


@dataclass
class Sample:
  """One measured run."""

  wall: float  # seconds
  user: float  # seconds
  sys: float  # seconds
  maxrss_kib: int

  @property
  def cpu(self):
    return self.user + self.sys

  def as_dict(self):
    return {**asdict(self), "cpu": self.cpu}


GNU_TIME = "/usr/bin/time"


class CommandFailed(RuntimeError):
  """A measured command exited with a non-zero status."""


def run_measured(argv, env=None, stdout=None, stderr=None, cwd=None):
  """Runs argv to completion and returns its Sample; raises CommandFailed on a non-zero exit."""
  usage_file = tempfile.NamedTemporaryFile("r", prefix="bench-usage-")
  stdout_file = open(stdout, "wb") if stdout else subprocess.DEVNULL
  stderr_file = open(stderr, "wb") if stderr else subprocess.DEVNULL
  try:
    start = time.perf_counter()
    process = subprocess.Popen(
      [GNU_TIME, "--format", "%U %S %M", "--output", usage_file.name, *argv],
      env=env, stdout=stdout_file, stderr=stderr_file, cwd=cwd)
    process.wait()
    wall = time.perf_counter() - start
    usage = usage_file.read().split()
  finally:
    usage_file.close()
    if stdout:
      stdout_file.close()
    if stderr:
      stderr_file.close()
  if process.returncode != 0:
    detail = ""
    if stderr and os.path.exists(stderr):
      with open(stderr, errors="replace") as f:
        detail = f.read()[-2000:]
    raise CommandFailed(f"{argv[0]} exited with {process.returncode}: {' '.join(argv)}\n{detail}")
  # GNU time writes "Command exited with non-zero status N" first when it fails.
  user, system, maxrss = usage[-3:]
  return Sample(wall=wall, user=float(user), sys=float(system), maxrss_kib=int(maxrss))


def summarize(samples):
  """Medians (and spread) of a list of Samples."""
  def med(values):
    return statistics.median(values)

  return {
    "runs": len(samples),
    "wall": med([s.wall for s in samples]),
    "wall_min": min(s.wall for s in samples),
    "wall_max": max(s.wall for s in samples),
    "cpu": med([s.cpu for s in samples]),
    "user": med([s.user for s in samples]),
    "sys": med([s.sys for s in samples]),
    "maxrss_kib": med([s.maxrss_kib for s in samples]),
    "samples": [s.as_dict() for s in samples],
  }
