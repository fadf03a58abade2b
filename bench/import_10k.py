"""Time `import_disclosures` for N lines (default 10,000) against a throwaway database.

    .venv/bin/python bench/import_10k.py [N]          # e.g. 100000

Creates /tmp/bench_import.sqlite3 (or uses DATABASE_URL), migrates, loads the
organisation and catalogues (no demo items), writes N JSONL lines spread over the
units' 三级 nodes, and times the check pass and the import: wall clock and the CPU
time of the command itself (user + system), which other processes on the machine
do not inflate. The import's own progress lines give the rate of each tenth of the
items, so a cost that grows with the tree shows as a last tenth slower than the first.
"""

import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
env = dict(os.environ)
env.setdefault("DATABASE_URL", os.environ.get("BENCH_DATABASE_URL", "sqlite:////tmp/bench_import.sqlite3"))
env["DJANGO_SETTINGS_MODULE"] = "cms.settings.dev"
if env["DATABASE_URL"].startswith("sqlite:////tmp/"):
    Path(env["DATABASE_URL"][len("sqlite:///") :]).unlink(missing_ok=True)
py = str(ROOT / ".venv/bin/python")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def children_system() -> float:
    """System time alone: pages read back from disk inside one transaction show here."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_stime


def manage(*args: str) -> tuple[float, float]:
    """Run a management command; (wall seconds, CPU seconds of the command)."""
    started, cpu = time.monotonic(), children_cpu()
    subprocess.run([py, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started, children_cpu() - cpu


manage("migrate", "--noinput")
manage("load_demo", "--no-items", "--no-users")

units = {
    "龙口市/市科技局党支部": ["1-1-1", "1-3-5", "2-1-1", "3-3-1", "6-1-2", "8-4-1"],
    "石嘴山市/惠农区/区委": ["1-1-1", "1-2-1", "2-1-1", "3-1-1"],
    "石嘴山市/平罗县/县编办": ["1-1-1", "2-2-1", "3-4-1"],
    "韶关市/武江区/区委办": ["1-1-1", "1-1-4"],
}
phrases = ["党费收缴、管理和使用情况", "民主生活会征求意见及整改落实", "三重一大事项研究决策情况", "干部任前公示", "理论学习计划及落实情况"]
rng = random.Random(7)
path = Path(os.environ.get("BENCH_JSONL", "/tmp/bench_import.jsonl"))
with path.open("w", encoding="utf-8") as handle:
    for n in range(N):
        unit = rng.choice(list(units))
        handle.write(
            json.dumps(
                {
                    "unit": unit,
                    "catalog_code": rng.choice(units[unit]),
                    "title": f"{rng.choice(phrases)}（历史第{n}号）",
                    "body": "。".join(rng.choice(phrases) for _ in range(20)),
                    "published_at": f"20{rng.randint(12, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    "doc_number": f"龙科字〔2020〕{n}号",
                },
                ensure_ascii=False,
            )
            + "\n"
        )


def import_with_tenths() -> tuple[float, float, list[float], float]:
    """Run the import, reading its "已导入 done/total" lines as they come: (wall, CPU, rate of
    each tenth of the items in items/s, seconds spent after the last item until the end)."""
    started, cpu = time.monotonic(), children_cpu()
    seen: list[tuple[float, int]] = [(started, 0)]
    with subprocess.Popen(
        [py, "manage.py", "import_disclosures", str(path)], cwd=ROOT, env=env, stdout=subprocess.PIPE
    ) as proc:
        buffer = b""
        while chunk := proc.stdout.read1(4096):
            buffer += chunk
            *lines, buffer = re.split(rb"[\r\n]", buffer)
            for line in lines:
                if match := re.search(r"已导入 (\d+)/(\d+)", line.decode("utf-8", "replace")):
                    seen.append((time.monotonic(), int(match.group(1))))
        if proc.wait():
            raise SystemExit(f"import failed ({proc.returncode})")
    wall = time.monotonic() - started
    rates, previous = [], seen[0]
    for tenth in range(1, 11):
        boundary = N * tenth // 10
        point = next(p for p in seen if p[1] >= boundary)
        rates.append((point[1] - previous[1]) / max(point[0] - previous[0], 1e-6))
        previous = point
    return wall, children_cpu() - cpu, rates, started + wall - seen[-1][0]


check, check_cpu = manage("import_disclosures", str(path), "--dry-run")
system_before = children_system()
full, full_cpu, tenths, tail = import_with_tenths()
full_system = children_system() - system_before
print(
    f"{N} lines on {env['DATABASE_URL'].split(':')[0]}: check only {check:.1f} s (CPU {check_cpu:.1f} s); "
    f"import {full:.1f} s ({N / full:.0f} lines/s), CPU {full_cpu:.1f} s ({N / full_cpu:.0f} lines per CPU second), of it system {full_system:.1f} s"
)
print("items/s per tenth: " + " ".join(f"{rate:.0f}" for rate in tenths) + f"; archiving and commit after the last item: {tail:.1f} s")
