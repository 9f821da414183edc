"""Renders bench results (the JSON bench/run writes) as Markdown, and puts it into
BENCHMARKS.md between the `<!-- bench:begin -->` and `<!-- bench:end -->` markers."""

import json
import sys

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
NAMES = {
  "a": "(a) terun export_latency",
  "b": "(b) guide script (requests + csv)",
  "c": "(c) official SDK (thousandeyes-sdk-test-results)",
  "d": "(d) curl, pages to /dev/null (floor)",
}


def verdict(ok):
  return "met" if ok else "**missed**"


def targets(results):
  """(target, measured, met) rows for the issue's targets that the results cover."""
  rows = []
  tools = results.get("export", {}).get("tools", {})
  a, b, c, d = (tools.get(k) for k in "abcd")
  if a and d:
    ratio = a["wall"] / d["wall"]
    rows.append(("(a) wall ≤ 1.3 × (d) wall", f"{ratio:.2f}×", ratio <= 1.3))
  if a and b:
    rows.append(("(a) faster than (b)", f"{a['wall']:.2f} s vs {b['wall']:.2f} s ({b['wall'] / a['wall']:.2f}×)",
                 a["wall"] < b["wall"]))
  if a and c:
    rows.append(("(a) faster than (c)", f"{a['wall']:.2f} s vs {c['wall']:.2f} s ({c['wall'] / a['wall']:.2f}×)",
                 a["wall"] < c["wall"]))
  if a and b:
    ratio = b["cpu"] / a["cpu"]
    rows.append(("(a) CPU ≥ 3× lower than (b)", f"{ratio:.2f}× lower", ratio >= 3))
  if a and c:
    ratio = c["cpu"] / a["cpu"]
    rows.append(("(a) CPU ≥ 10× lower than (c)", f"{ratio:.2f}× lower", ratio >= 10))
  scaling = [s for s in results.get("export", {}).get("scaling", []) if s.get("tool", "a") == "a"]
  if len(scaling) >= 2:
    first, last = scaling[0], scaling[-1]
    growth = last["maxrss_kib"] / first["maxrss_kib"] - 1
    rows.append((f"(a) peak RSS grows < 20% from {first['scale']}× to {last['scale']}×",
                 f"{growth * 100:+.0f}% ({first['maxrss_kib'] / 1024:.0f} → {last['maxrss_kib'] / 1024:.0f} MiB)",
                 growth < 0.20))
  startup = results.get("startup", {}).get("terun")
  if startup:
    rows.append(("start-up ≤ 50 ms", f"{startup['median_ms']:.1f} ms", startup["median_ms"] <= 50))
  return rows


def render(results):
  out = []
  m = results["machine"]
  out.append(f"Run {m['date']} on {m['cpu_model']} ({m['nproc']} cores), {m['mem_total_gib']:.1f} GiB; "
             f"load average {m['load_before']} before, {m['load_after']} after (1, 5, 15 min).")
  out.append("")
  rows = targets(results)
  if rows:
    out.append("| target | measured | |")
    out.append("|---|---|---|")
    for target, measured, ok in rows:
      out.append(f"| {target} | {measured} | {verdict(ok)} |")
    out.append("")
  export = results.get("export")
  if export:
    out.append(f"Export of test 123456, {export['start']} .. {export['end']}: {export['results']:,} network "
               f"results from {export['agents']} agents in {export['pages']} pages "
               f"({export['page_bytes'] / 1e6:.1f} MB of JSON); medians of {next(iter(export['tools'].values()))['runs']} "
               "alternating runs after one validation run each. CPU is user+sys of the client process.")
    out.append("")
    out.append("| tool | wall (s) | wall min–max | CPU (s) | user | sys | peak RSS (MiB) | wall / (d) | CPU / (a) |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    d = export["tools"].get("d")
    a = export["tools"].get("a")
    for key in "abcds":
      t = export["tools"].get(key)
      if not t:
        continue
      vs_d = f"{t['wall'] / d['wall']:.2f}×" if d else "–"
      vs_a = f"{t['cpu'] / a['cpu']:.2f}×" if a else "–"
      out.append(f"| {NAMES[key]} | {t['wall']:.2f} | {t['wall_min']:.2f}–{t['wall_max']:.2f} | {t['cpu']:.2f} | "
                 f"{t['user']:.2f} | {t['sys']:.2f} | {t['maxrss_kib'] / 1024:.0f} | {vs_d} | {vs_a} |")
    out.append("")
    if export.get("scaling"):
      out.append("Peak RSS as the window grows (median of "
                 f"{export['scaling'][0]['runs']} runs each):")
      out.append("")
      out.append("| tool | scale | rounds | results | wall (s) | CPU (s) | peak RSS (MiB) |")
      out.append("|---|---:|---:|---:|---:|---:|---:|")
      for s in sorted(export["scaling"], key=lambda s: (s.get("tool", "a"), s["scale"])):
        out.append(f"| ({s.get('tool', 'a')}) | {s['scale']}× | {s['rounds']:,} | {s['results']:,} | {s['wall']:.2f} | "
                   f"{s['cpu']:.2f} | {s['maxrss_kib'] / 1024:.0f} |")
      out.append("")
  startup = results.get("startup")
  if startup:
    out.append("Start-up (hyperfine -N, median):")
    out.append("")
    out.append("| command | median (ms) | mean ± σ (ms) | min (ms) | user (ms) | sys (ms) |")
    out.append("|---|---:|---:|---:|---:|---:|")
    for name, s in startup.items():
      out.append(f"| {name} | {s['median_ms']:.1f} | {s['mean_ms']:.1f} ± {s['stddev_ms']:.1f} | {s['min_ms']:.1f} | "
                 f"{s['user_ms']:.1f} | {s['system_ms']:.1f} |")
    out.append("")
  json_rows = results.get("json")
  if json_rows:
    out.append("JSON into Lua (bench/json/run: MB/s of CPU time, median):")
    out.append("")
    out.append("| codec | operation | file | GC | MB/s |")
    out.append("|---|---|---|---|---:|")
    for r in json_rows:
      out.append(f"| {r['codec']} | {r['operation']} | {r['file']} | {r['gc']} | {r['mb_per_s']:.1f} |")
    out.append("")
  return "\n".join(out)


def update_markdown(path, section, markers=(None, None)):
  """Replaces the text between the markers (the export's by default) in path with section."""
  start_marker, end_marker = markers[0] or BEGIN, markers[1] or END
  with open(path) as f:
    text = f.read()
  begin, end = text.find(start_marker), text.find(end_marker)
  if begin < 0 or end < begin:
    raise RuntimeError(f"{path} lacks the {start_marker} ... {end_marker} markers")
  text = text[:begin + len(start_marker)] + "\n" + section + "\n" + text[end:]
  with open(path, "w") as f:
    f.write(text)


if __name__ == "__main__":
  with open(sys.argv[1]) as f:
    print(render(json.load(f)))
