"""export_metrics's file, checked by real OpenMetrics parsers: the Python prometheus_client
OpenMetrics parser (strict: it refuses anything outside the format) and `promtool check
metrics` (Debian's prometheus package, installed by scripts/bootstrap.sh). Also: the file
appears only complete while exports run and are read at the same time.
"""
import collections
import json
import shutil
import subprocess
import threading
import time

from prometheus_client.openmetrics.parser import text_string_to_metric_families

FAMILIES = {
    "thousandeyes_network_latency_seconds": "seconds",
    "thousandeyes_network_loss_ratio": "ratio",
    "thousandeyes_network_jitter_seconds": "seconds",
}


def export(sim, *params, name="thousandeyes.prom"):
    (sim.work / "out").mkdir(exist_ok=True)
    done = sim.run("export_metrics", *params, "--out-dir", str(sim.work / "out"))
    assert done.returncode == 0, done.stderr
    return (sim.work / "out" / name).read_text()


def test_prometheus_client_parses_every_sample(sim):
    text = export(sim)
    families = {f.name: f for f in text_string_to_metric_families(text)}
    for name, unit in FAMILIES.items():
        family = families[name]
        assert family.type == "gauge" and family.unit == unit
        assert family.samples, name
        keys = collections.Counter((s.labels["test_id"], s.labels["agent_id"]) for s in family.samples)
        assert max(keys.values()) == 1, f"{name}: one sample per test and agent"
        for sample in family.samples:
            assert {"test", "test_type", "agent", "country"} <= set(sample.labels), sample
            assert sample.timestamp is not None
    rounds = {s.labels["test_id"]: s.value for s in families["thousandeyes_network_round_timestamp_seconds"].samples}
    for sample in families["thousandeyes_network_latency_seconds"].samples:
        assert float(sample.timestamp.sec) == rounds[sample.labels["test_id"]]


def test_promtool_accepts_the_file_with_and_without_timestamps(sim):
    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing: run scripts/bootstrap.sh (Debian package prometheus)"
    stamped = export(sim)
    plain = export(sim, "timestamps=false", "out=plain.prom", name="plain.prom")
    samples = [line for line in plain.splitlines() if not line.startswith("#")]
    assert samples and all(line.rsplit("} ", 1)[1].count(" ") == 0 for line in samples if "}" in line)
    for text in (stamped, plain):
        checked = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_reader_never_sees_half_a_file(sim):
    path = sim.work / "out" / "thousandeyes.prom"
    export(sim)
    seen, stop = [], threading.Event()

    def read():
        while not stop.is_set():
            try:
                seen.append(path.read_text())
            except FileNotFoundError:
                pass
            time.sleep(0.002)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for _ in range(3):
            export(sim)
    finally:
        stop.set()
        reader.join()
    assert seen
    for text in seen:
        assert text.endswith("# EOF\n"), text[-80:]
        list(text_string_to_metric_families(text))
    leftovers = [p.name for p in (sim.work / "out").iterdir() if p.name != "thousandeyes.prom"]
    assert not leftovers, leftovers


HOSTILE = ['Quote "q" test', "Back\\slash\\ test", "New\nline test", "Carriage\r\nreturn\rtest",
           "Ünïcødé 東京 ✓", "Tab\tand } , = chars"]


def test_hostile_test_names_survive_every_reader(sim):
    (sim.work / "names.json").write_text(json.dumps(HOSTILE))
    (sim.work / "hostile.lua").write_text(
        'runbook { name = "hostile", description = "tests with hostile names", params = {} }\n'
        "local agent = tostring(te.agents.list()[1].agentId)\n"
        'for _, name in ipairs(te.json.decode(te.fs.read("names.json"))) do\n'
        '  te.tests.create("agent-to-server", { testName = name, server = "example.org", interval = 60,'
        " agents = { { agentId = agent } } })\nend\n")
    made = sim.run("run", "hostile.lua")
    assert made.returncode == 0, made.stdout + made.stderr
    export(sim)
    path = sim.work / "out" / "thousandeyes.prom"
    # As a text reader (universal newlines) and as bytes: the same samples, every name intact.
    for text in (path.read_text(), path.read_bytes().decode()):
        families = {f.name: f for f in text_string_to_metric_families(text)}
        names = {s.labels["test"] for s in families["thousandeyes_network_latency_seconds"].samples}
        for name in HOSTILE:
            assert name.replace("\r\n", "\n").replace("\r", "\n") in names, (name, names)
    checked = subprocess.run(["promtool", "check", "metrics"], input=path.read_bytes(), capture_output=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
