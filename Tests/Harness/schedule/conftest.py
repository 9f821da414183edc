"""Shared fixtures for the `terun schedule` harness tests.

They run the binary named by TERUN_BIN (scripts/test.sh sets it; skipped when unset) against
schedule files and runbooks made in a temporary folder, with TERUN_STATE_DIR there too.
"""

import os
import textwrap

import pytest

TERUN = os.environ.get("TERUN_BIN")


@pytest.fixture
def terun_bin():
    if not TERUN:
        pytest.skip("TERUN_BIN is not set (path to the built terun)")
    return TERUN


@pytest.fixture
def workdir(tmp_path):
    """A folder with two runbooks (one writes report.csv, one fails) and a state folder."""
    (tmp_path / "state").mkdir()
    (tmp_path / "report.lua").write_text(textwrap.dedent("""\
        runbook {
          name = "report",
          description = "writes a small CSV",
          params = { label = { type = "string", default = "x", help = "a label" } },
        }
        te.fs.write("report.csv", "label\\n" .. te.params.label .. "\\n")
        print("wrote report.csv")
        """))
    (tmp_path / "fail.lua").write_text('error("boom")\n')
    return tmp_path
