#!/usr/bin/env python3
"""The report of bench/compare/runnel_bench_vs_redis.sh, from its runs.

  runnel_bench_report.py RESULTS_DIR DOC PLOTS_DIR
  runnel_bench_report.py --check DOC    exits 1 when DOC's markers are broken

Reads what the bench script wrote in RESULTS_DIR:
  meta.tsv                   key <TAB> value: command, date, machine, versions...
  workloads.tsv              N <TAB> name <TAB> durability rows <TAB> runnel-bench
                             arguments, one line per workload, in report order
  w<N>/<durability>/<server>-<run>.json   runnel-bench --json of one run of
                             workload N
  w<N>/<durability>/<server>-<run>.hgrm   its --histogram
and writes:
  - per workload, two SVGs in PLOTS_DIR made by gnuplot (plots/*.gp beside
    this file): throughput bars and latency percentile curves;
  - the generated section of DOC between BEGIN and END (appended under a
    heading of its own when DOC has no markers yet), nothing else of DOC;
  - the same section on stdout.

Every figure is the median (the lower one for an even count: a value some run
measured) over the runs of its cell, each column on its own; the latency curve
is the histogram of the run with the median throughput.
"""

import json
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

BEGIN = "<!-- runnel-bench report: begin -->"
END = "<!-- runnel-bench report: end -->"
HEADING = "## runnel-bench workloads vs redis-server (issue #8)"
SERVERS = (("runnel", "Runnel"), ("redis", "Redis"))
PERCENTILES = ("p50", "p99", "p99.9")
COLORS = {"runnel": "#1f77b4", "redis": "#d62728"}
PLOTS = Path(__file__).resolve().parent / "plots"

# runnel-bench's workload -> (what its throughput counts, whose latency it is).
MEASURES = {
    "produce": ("entries added/s", "each XADD"),
    "consume": ("entries read/s", "each XREADGROUP"),
    "e2e": ("entries delivered/s", "XADD's intended send time to delivery"),
    "pubsub": ("messages delivered/s", "PUBLISH's intended send time to delivery"),
    "cache": ("requests/s", "each GET or SET"),
}

DURABILITY_LEGEND = """\
| durability | Runnel | Redis |
|---|---|---|
| always | `--appendfsync always`: a write is answered once the fsync covering it is done (group commit) | `appendonly yes`, `appendfsync always` |
| everysec | `--appendfsync everysec`: fsync once a second; a crash may lose the last second | `appendonly yes`, `appendfsync everysec` |
| none | `--appendfsync no`: the log is still written (to the page cache), never fsynced by Runnel | `appendonly no` (and `save ''`): memory only, nothing kept across a restart |

pubsub and cache run in the none row only: pub/sub writes nothing to disk on
either server, and Runnel's cache lives in memory (it is not logged), so the
Redis to compare it with is one without an AOF."""


def slug(name):
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def read_tsv(path):
    return [line.split("\t") for line in path.read_text().splitlines() if line.strip()]


def throughput(run):
    return run["deliveries_per_s"] if run["deliveries"] else run["requests_per_s"]


def latency(run):
    """The latency the run's --histogram holds: delivery where there is one."""
    return run["delivery_latency"] if run["delivery_latency"]["count"] else run["request_latency"]


class Cell:
    """One server's runs of one workload under one durability row."""

    def __init__(self, directory, server):
        self.runs = []  # (run number, parsed JSON)
        for path in sorted(directory.glob(f"{server}-*.json")):
            text = path.read_text().strip()
            if text:
                self.runs.append((int(path.stem.split("-")[-1]), json.loads(text)))
        self.directory, self.server = directory, server

    def median(self, column):
        """column: "throughput" or a percentile name; None without runs."""
        if not self.runs:
            return None
        if column == "throughput":
            return statistics.median_low(throughput(r) for _, r in self.runs)
        values = [latency(r)[f"{column}_us"] for _, r in self.runs if latency(r)["count"]]
        return statistics.median_low(values) if values else None

    def client_cpu(self):
        """runnel-bench's median CPU use, "N%" of one core, or n/a."""
        if not self.runs:
            return "n/a"
        return f"{statistics.median_low(r['cpu_percent_of_one_core'] for _, r in self.runs):.0f}%"

    def rate_missed(self):
        """Whether a run fell short of its offered rate (runnel-bench's own test)."""
        return any(r["rate"] > 0 and r["requests_per_s"] < 0.95 * r["rate"] for _, r in self.runs)

    def median_histogram(self):
        """The .hgrm of the run with the median throughput, or None."""
        target = self.median("throughput")
        for number, run in self.runs:
            path = self.directory / f"{self.server}-{number}.hgrm"
            if throughput(run) == target and path.exists():
                return path
        return None


def percentile_curve(hgrm):
    """(1/(1-p), latency_us) pairs of an .hgrm file, without p = 1."""
    points = []
    for line in hgrm.read_text().splitlines():
        fields = line.split()
        if len(fields) == 4 and not line.startswith("#") and fields[0][0].isdigit():
            value, inverse = float(fields[0]), float(fields[3])
            if value > 0:
                points.append((inverse, value))
    return points


def number(value):
    if value is None:
        return "n/a"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def number_or_na(value):  # for gnuplot's data files
    return "n/a" if value is None else f"{value:.1f}"


def ratio(a, b):
    return "n/a" if a is None or b is None or b == 0 else f"{a / b:.2f}"


class Workload:
    def __init__(self, results, index, name, rows, arguments):
        self.name, self.arguments, self.rows = name, arguments, rows.split()
        self.cells = {(row, server): Cell(results / f"w{index}" / row, server)
                      for row in self.rows for server, _ in SERVERS}
        kind = arguments.split()[0]
        self.unit, self.latency_of = MEASURES.get(kind, ("per second", "each request"))

    def table(self):
        columns = ["throughput", *PERCENTILES]
        lines = [f"| durability | server | {self.unit} | p50 µs | p99 µs | p99.9 µs | runnel-bench CPU |",
                 "|---|---|---:|---:|---:|---:|---:|"]
        for row in self.rows:
            medians = {s: [self.cells[row, s].median(c) for c in columns] for s, _ in SERVERS}
            for server, label in SERVERS:
                first = row if server == SERVERS[0][0] else ""
                cells = [number(v) for v in medians[server]]
                if self.cells[row, server].rate_missed():
                    cells[0] += " \\*"
                cells.append(self.cells[row, server].client_cpu())
                lines.append(f"| {first} | {label} | " + " | ".join(cells) + " |")
            ratios = [ratio(a, b) for a, b in zip(medians["runnel"], medians["redis"])]
            lines.append("| | Runnel/Redis | " + " | ".join(ratios) + " | |")
        if any(cell.rate_missed() for cell in self.cells.values()):
            lines += ["", "\\* the offered rate was not reached in at least one run: the latency includes the queueing."]
        return "\n".join(lines)

    def plot(self, plots_dir, scratch):
        """Writes the two SVGs; returns their paths."""
        base = plots_dir / f"runnel-bench-{slug(self.name)}"
        bars = scratch / f"{slug(self.name)}-throughput.dat"
        with bars.open("w") as out:
            for row in self.rows:
                values = (number_or_na(self.cells[row, s].median("throughput")) for s, _ in SERVERS)
                out.write(f"{row} {' '.join(values)}\n")
        gnuplot("throughput.gp", data=bars, out=f"{base}-throughput.svg",
                title=f"{self.name}: {self.unit} (median)", ylabel=self.unit)
        curves = scratch / f"{slug(self.name)}-latency.dat"
        titles, colors, dashes = [], [], []
        with curves.open("w") as out:
            for dash, row in enumerate(self.rows, start=1):
                for server, label in SERVERS:
                    hgrm = self.cells[row, server].median_histogram()
                    points = percentile_curve(hgrm) if hgrm else []
                    if not points:
                        continue
                    out.writelines(f"{x} {y}\n" for x, y in points)
                    out.write("\n\n")
                    titles.append(f"{label}/{row}")
                    colors.append(COLORS[server])
                    dashes.append(str(dash))
        if titles:
            gnuplot("latency.gp", data=curves, out=f"{base}-latency.svg",
                    title=f"{self.name}: latency of {self.latency_of}",
                    titles=" ".join(titles), colors=" ".join(colors), dashes=" ".join(dashes))
        return [Path(f"{base}-throughput.svg")] + ([Path(f"{base}-latency.svg")] if titles else [])


def gnuplot(script, **variables):
    """Runs plots/SCRIPT with each variable set to a gnuplot string."""
    assignments = "; ".join(f"{k}='{str(v).replace(chr(39), chr(39) * 2)}'" for k, v in variables.items())
    subprocess.run(["gnuplot", "-e", assignments, str(PLOTS / script)], check=True)


def section(meta, workloads, plots, doc):
    parts = [BEGIN,
             "<!-- Written by bench/compare/runnel_bench_vs_redis.sh; edits between these markers are lost. -->",
             ""]
    if meta.get("quick") == "yes":
        parts += [f"**A `--quick` check of the script ({meta['seconds']} s runs, one each), not a measurement.**", ""]
    runs = "one run" if meta["runs"] == "1" else f"the median of {meta['runs']} runs"
    parts += ["```sh", meta["command"], "```", "",
              f"{meta['date']}; {meta['machine']}; {meta['pinning']}.",
              f"{meta['runnel_version']} ({meta['commit']}); {meta['redis_version']}; data on {meta['data_fs']}.",
              f"runnel-bench, {meta['seconds']} s per run after {meta['warmup']} s of warm-up; "
              f"each figure is {runs}, the two servers alternating run by run "
              "(who goes first swaps every time). Both servers of a durability row stay up for all its "
              "workloads; a ratio above 1 is Runnel ahead in throughput, below 1 Runnel ahead in latency. "
              "n/a: the server refused the workload, the run failed or it measured nothing. "
              "runnel-bench CPU is the client's own CPU time as a share of one core: near 100% the "
              "client, not the server, may be the limit. "
              "`{run}` in the arguments is the run's number (each cache run starts on no keys).", "",
              DURABILITY_LEGEND, ""]
    for workload in workloads:
        parts += [f"### {workload.name}", "",
                  f"`runnel-bench {workload.arguments}`: {workload.unit}; latency of {workload.latency_of}.", "",
                  workload.table(), ""]
        parts += [" ".join(f"![{workload.name}: {p.stem.rsplit('-', 1)[-1]}]({os.path.relpath(p, doc.parent)})"
                           for p in plots[workload.name]), ""]
    parts.append(END)
    return "\n".join(parts)


def splice(old, text, name):
    """old (the text of file name) with BEGIN..END replaced by text, or text
    appended under HEADING."""
    begin, end = old.find(BEGIN), old.find(END)
    if begin < 0 and end < 0:
        return old.rstrip("\n") + f"\n\n{HEADING}\n\n{text}\n"
    if 0 <= begin < end and old.count(BEGIN) == 1 and old.count(END) == 1:
        return old[:begin] + text + old[end + len(END):]
    sys.exit(f"{name}: the markers {BEGIN} and {END} are not one pair in order; fix them by hand")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--check":  # before a long run: will DOC take the section?
        doc = Path(sys.argv[2])
        splice(doc.read_text() if doc.exists() else "", "", doc)
        return
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    results, doc, plots_dir = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    meta = dict(read_tsv(results / "meta.tsv"))
    workloads = [Workload(results, *fields) for fields in read_tsv(results / "workloads.tsv")]
    plots_dir.mkdir(parents=True, exist_ok=True)
    for old in plots_dir.glob("runnel-bench-*.svg"):
        old.unlink()
    scratch = results / "plot-data"
    scratch.mkdir(exist_ok=True)
    plots = {w.name: w.plot(plots_dir, scratch) for w in workloads}
    text = section(meta, workloads, plots, doc)
    doc.write_text(splice(doc.read_text() if doc.exists() else "", text, doc))
    print(text)


if __name__ == "__main__":
    main()
