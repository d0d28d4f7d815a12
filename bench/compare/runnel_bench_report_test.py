#!/usr/bin/env python3
"""Tests of runnel_bench_report.py's own logic (no server, no gnuplot):
splicing the generated section into the doc, medians, the tables.

  python3 bench/compare/runnel_bench_report_test.py     (CTest: runnel_bench_report_test)
"""

import json
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import runnel_bench_report as report  # noqa: E402

HGRM = """\
       Value     Percentile TotalCount 1/(1-Percentile)

     626.687 0.000000000000          1           1.00
    1318.911 0.500000000000         66           2.00
    2080.767 0.990000000000        130         100.00
   16014.834 1.000000000000        636
#[Mean    =     6300.633]
#[Max     =    16014.834, Total count    =          636]
"""


def scratch_dir(test):
    """A temporary directory removed after the test."""
    directory = tempfile.TemporaryDirectory()
    test.addCleanup(directory.cleanup)
    return Path(directory.name)


def run_json(per_s, p50, count=100, rate=0.0, deliveries=0):
    latency = {"count": count, "p50_us": p50, "p90_us": p50, "p99_us": 2 * p50, "p99.9_us": 3 * p50,
               "max_us": 4 * p50, "mean_us": p50}
    empty = dict(latency, count=0)
    return {"workload": "produce", "rate": rate, "requests": count, "requests_per_s": per_s,
            "deliveries": deliveries, "deliveries_per_s": per_s if deliveries else 0.0,
            "request_latency": latency, "delivery_latency": latency if deliveries else empty,
            "cpu_percent_of_one_core": 42.0}


class SpliceTest(unittest.TestCase):
    def test_replaces_only_what_is_between_the_markers(self):
        old = f"# Benchmarks\nabove\n\n{report.BEGIN}\nold figures\n{report.END}\nbelow\n"
        new = report.splice(old, f"{report.BEGIN}\nnew figures\n{report.END}", "doc")
        self.assertEqual(new, f"# Benchmarks\nabove\n\n{report.BEGIN}\nnew figures\n{report.END}\nbelow\n")

    def test_appends_the_section_under_its_heading_when_there_are_no_markers(self):
        new = report.splice("# Benchmarks\ntext\n\n", "SECTION", "doc")
        self.assertEqual(new, f"# Benchmarks\ntext\n\n{report.HEADING}\n\nSECTION\n")

    def test_a_second_report_replaces_the_first(self):
        once = report.splice("# Benchmarks\n", f"{report.BEGIN}\n1\n{report.END}", "doc")
        twice = report.splice(once, f"{report.BEGIN}\n2\n{report.END}", "doc")
        self.assertEqual(twice, once.replace("\n1\n", "\n2\n"))

    def test_broken_markers_are_refused(self):
        for old in (f"{report.BEGIN}\n", f"{report.END}\n{report.BEGIN}\n",
                    f"{report.BEGIN}\n{report.END}\n{report.BEGIN}\n{report.END}\n"):
            with self.assertRaises(SystemExit, msg=old):
                report.splice(old, "SECTION", "doc")


class CellTest(unittest.TestCase):
    def setUp(self):
        self.dir = scratch_dir(self)

    def write(self, server, run, result):
        (self.dir / f"{server}-{run}.json").write_text(json.dumps(result) if result else "")

    def test_median_is_a_measured_value_each_column_on_its_own(self):
        for run, (per_s, p50) in enumerate([(300, 10), (100, 30), (200, 20), (400, 40)], 1):
            self.write("runnel", run, run_json(per_s, p50))
        cell = report.Cell(self.dir, "runnel")
        self.assertEqual(cell.median("throughput"), 200)
        self.assertEqual(cell.median("p50"), 20)
        self.assertEqual(cell.median("p99"), 40)

    def test_failed_runs_are_left_out_and_no_runs_is_none(self):
        self.write("redis", 1, None)
        self.assertIsNone(report.Cell(self.dir, "redis").median("throughput"))
        self.write("redis", 2, run_json(500, 10))
        self.assertEqual(report.Cell(self.dir, "redis").median("throughput"), 500)

    def test_a_run_without_latency_samples_has_no_percentiles(self):
        self.write("runnel", 1, run_json(0.0, 0.0, count=0))
        cell = report.Cell(self.dir, "runnel")
        self.assertEqual(cell.median("throughput"), 0.0)
        self.assertIsNone(cell.median("p99"))

    def test_deliveries_and_their_latency_come_first(self):
        self.write("runnel", 1, run_json(5000, 7, deliveries=10))
        self.assertEqual(report.Cell(self.dir, "runnel").median("throughput"), 5000)

    def test_a_run_below_95_percent_of_its_offered_rate_missed_it(self):
        self.write("runnel", 1, run_json(4800, 1, rate=5000))
        self.assertFalse(report.Cell(self.dir, "runnel").rate_missed())
        self.write("runnel", 2, run_json(4700, 1, rate=5000))
        self.assertTrue(report.Cell(self.dir, "runnel").rate_missed())

    def test_the_curve_is_that_of_the_median_run(self):
        for run, per_s in enumerate([100, 300, 200], 1):
            self.write("runnel", run, run_json(per_s, 1))
            (self.dir / f"runnel-{run}.hgrm").write_text(HGRM)
        self.assertEqual(report.Cell(self.dir, "runnel").median_histogram(), self.dir / "runnel-3.hgrm")


class TableTest(unittest.TestCase):
    def test_percentile_curve_keeps_the_finite_percentiles(self):
        path = scratch_dir(self) / "h.hgrm"
        path.write_text(HGRM)
        self.assertEqual(report.percentile_curve(path), [(1.0, 626.687), (2.0, 1318.911), (100.0, 2080.767)])

    def test_rows_give_both_servers_and_their_ratio_or_na(self):
        results = scratch_dir(self)
        cell = results / "w1" / "none"
        cell.mkdir(parents=True)
        (cell / "runnel-1.json").write_text(json.dumps(run_json(3000, 100)))
        (cell / "redis-1.json").write_text(json.dumps(run_json(2000, 200)))
        table = report.Workload(results, 1, "produce P1", "always none", "produce --pipeline 1").table()
        self.assertIn("| none | Runnel | 3,000 | 100 | 200 | 300 | 42% |", table)
        self.assertIn("| | Runnel/Redis | 1.50 | 0.50 | 0.50 | 0.50 | |", table)
        self.assertIn("| always | Runnel | n/a | n/a | n/a | n/a | n/a |", table)


if __name__ == "__main__":
    unittest.main()
