"""Benchmark of the search core on a synthetic Chinese disclosure corpus.

    .venv/bin/python bench/search_core.py            # 100,000 items
    .venv/bin/python bench/search_core.py 10000 --keep var/bench/index.sqlite3

Reports index build time (items/s) and p50/p95 latency of 50 queries of 2-6
characters with facets and highlighting, for the embedded backend.

Function boundaries, so that other engines (Wagtail's database backend) can
be compared later on the same corpus and queries:

- ``make_corpus(n, seed)``     -> the documents (deterministic for a seed)
- ``make_queries(n, seed)``    -> the queries
- ``run_benchmark(engine, docs, queries)`` -> ``BenchResult`` for anything
  implementing the small ``BenchEngine`` protocol (``build`` + ``run``);
  ``BackendEngine`` adapts a ``search.backends.base.SearchBackend``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Protocol

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from search.backends.base import SearchBackend  # noqa: E402
from search.documents import IndexDocument  # noqa: E402
from search.query import SearchQuery, SearchResults  # noqa: E402

CST = timezone(timedelta(hours=8))

# --- vocabulary ----------------------------------------------------------------

REGIONS: dict[str, list[str]] = {
    "韶关市": [
        "武江区",
        "浈江区",
        "曲江区",
        "乐昌市",
        "南雄市",
        "仁化县",
        "始兴县",
        "翁源县",
        "新丰县",
        "乳源瑶族自治县",
    ],
}
CITY_UNITS = ["市委办公室", "市委组织部", "市委宣传部", "市纪委监委", "市委统战部", "市直机关工委", "市委政法委"]
COUNTY_UNITS = ["区委办", "区委组织部", "区委宣传部", "区纪委监委", "区直机关工委", "区人民政府办公室"]
TOWNS = ["西联镇", "龙归镇", "江湾镇", "重阳镇", "新华街道", "惠民街道", "西河镇", "车站街道"]

CATALOG: dict[str, dict[str, list[str]]] = {
    "党的组织建设": {
        "组织设置": ["党组织换届选举", "党组织设立调整"],
        "党员发展": ["发展党员计划", "入党积极分子公示"],
        "党费工作": ["党费收缴情况", "党费使用管理"],
    },
    "党的思想建设": {
        "理论学习": ["中心组学习安排", "主题教育开展情况"],
        "意识形态": ["意识形态工作责任制", "网络意识形态"],
    },
    "党风廉政建设": {
        "主体责任": ["落实全面从严治党主体责任", "廉政风险防控"],
        "监督执纪": ["纪律检查委员会工作报告", "违纪违法案件通报"],
    },
    "干部工作": {
        "选拔任用": ["干部任前公示", "干部选拔任用工作情况"],
        "考核管理": ["年度考核结果", "干部交流轮岗"],
    },
    "重大决策": {
        "三重一大": ["三重一大事项决策", "重大项目安排"],
        "民主集中制": ["民主生活会召开情况", "组织生活会情况"],
    },
}
TIME_LIMITS = ["年度", "半年", "定期", "即时", "固定", "逐段"]
PHRASES = [
    "党费收缴",
    "民主生活会",
    "三重一大",
    "干部任前公示",
    "组织生活会",
    "三会一课",
    "主题党日",
    "发展党员",
    "入党积极分子",
    "党员教育管理",
    "基层党组织",
    "党风廉政建设",
    "全面从严治党",
    "中央八项规定精神",
    "四风问题",
    "意识形态工作",
    "理论学习中心组",
    "谈心谈话",
    "批评与自我批评",
    "巡视巡察整改",
    "选人用人",
    "干部监督",
    "廉政风险防控",
    "纪律检查委员会",
    "纪委监委",
    "党务公开",
    "乡村振兴",
    "经济发展",
    "营商环境",
    "基层治理",
    "党建引领",
    "志愿服务",
    "为民办实事",
    "换届选举",
    "党组织书记述职评议",
    "党员民主评议",
    "困难党员帮扶",
    "流动党员管理",
    "党内关怀",
    "党员费用",
    "党员活动经费",
    "财政专项资金",
    "公务接待",
    "公车管理",
    "办公用房",
    "政府采购",
]
VERBS = ["认真落实", "扎实推进", "严格执行", "全面开展", "持续深化", "切实加强", "及时公开", "规范做好"]
CONNECTORS = ["按照上级要求，", "根据工作安排，", "为进一步加强管理，", "经研究决定，", "现将有关情况公示如下：", ""]
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "黄强", "赵敏", "周杰", "吴霞", "徐明", "孙丽"]
POSTS = ["党支部书记", "组织委员", "宣传委员", "纪检委员", "副主任", "科长", "镇长", "副书记"]


@dataclass(frozen=True)
class Unit:
    name: str
    region_path: tuple[str, ...]

    @property
    def path(self) -> str:
        return "/".join((*self.region_path, self.name))


def _units() -> list[Unit]:
    units: list[Unit] = []
    for city, counties in REGIONS.items():
        units += [Unit(u, (city,)) for u in CITY_UNITS]
        for county in counties:
            units += [Unit(u, (city, county)) for u in COUNTY_UNITS]
            units += [Unit(f"{t}党委", (city, county)) for t in TOWNS[:4]]
    return units


# Topics: consecutive groups of related phrases. An item mostly talks about
# its catalogue entry's topic, as real disclosures do, so a query matches a
# realistic share of the corpus rather than half of it.
TOPICS = [PHRASES[i : i + 4] for i in range(0, len(PHRASES), 4)]


def _sentence(rng: random.Random, unit: Unit, year: int, topic: list[str], topical: float) -> str:
    def phrase() -> str:
        return rng.choice(topic) if rng.random() < topical else rng.choice(PHRASES)

    return (
        f"{rng.choice(CONNECTORS)}{unit.name}{rng.choice(VERBS)}{phrase()}工作，"
        f"{year}年共{rng.randint(1, 40)}次研究{phrase()}有关事项，{rng.choice(VERBS)}{phrase()}。"
    )


def _table(rng: random.Random) -> str:
    rows = ["序号 姓名 职务 金额（元） 备注"]
    for i in range(rng.randint(2, 8)):
        rows.append(f"{i + 1} {rng.choice(NAMES)} {rng.choice(POSTS)} {rng.randint(50, 5000)}.00 {rng.choice(PHRASES)}")
    return "\n".join(rows)


def make_corpus(n: int, seed: int = 42, *, dense: bool = False) -> Iterator[IndexDocument]:
    """``n`` realistic disclosure items; the same seed gives the same corpus.

    ``dense`` draws every phrase from the whole vocabulary instead of mostly
    from the item's topic: each query term then occurs in a quarter to a half
    of all items, a worst case for matching, ranking and facet counting.
    """
    topical = 0.0 if dense else 0.9
    rng = random.Random(seed)
    units = _units()
    catalog = [
        (f"{i}-{j}-{k}", l1, l2, l3)
        for i, (l1, level2) in enumerate(CATALOG.items(), 1)
        for j, (l2, level3) in enumerate(level2.items(), 1)
        for k, l3 in enumerate(level3, 1)
    ]
    start = datetime(2019, 1, 1, 9, 0, tzinfo=CST)
    for i in range(1, n + 1):
        unit = rng.choice(units)
        entry = rng.randrange(len(catalog))
        code, l1, l2, l3 = catalog[entry]
        topic = TOPICS[entry % len(TOPICS)]
        published = start + timedelta(minutes=rng.randint(0, 7 * 365 * 24 * 60))
        year = published.year
        half = "上半年" if published.month <= 6 else "下半年"
        body = "".join(_sentence(rng, unit, year, topic, topical) for _ in range(rng.randint(4, 14)))
        yield IndexDocument(
            id=i,
            title=f"{unit.name}{year}年{half}{l3}{rng.choice(['公示', '公开', '情况通报', '的通知', ''])}",
            body=body,
            tables_text=_table(rng) if rng.random() < 0.4 else "",
            attachments_text=(f"附件：{l3}明细表 {body[:200]}" if rng.random() < 0.2 else ""),
            region=unit.region_path[-1],
            region_path=list(unit.region_path),
            unit=unit.name,
            unit_path=unit.path,
            catalog_code=code,
            level1=l1,
            level2=l2,
            level3=l3,
            year=year,
            period=f"{year}年{half}",
            time_limit=rng.choice(TIME_LIMITS),
            doc_number=f"韶{unit.name[:2]}〔{year}〕{rng.randint(1, 99)}号",
            published_at=published,
            url=f"/items/{i}/",
        )


QUERY_TERMS = [
    "党费",
    "党费收缴",
    "民主生活会",
    "三重一大",
    "干部任前公示",
    "组织生活会",
    "发展党员",
    "纪委",
    "巡察整改",
    "乡村振兴",
    "营商环境",
    "换届选举",
    "主题党日",
    "四风问题",
    "谈心谈话",
    "公务接待",
    "政府采购",
    "党务公开",
    "选人用人",
    "意识形态",
    "困难党员",
    "经济发展",
    "志愿服务",
    "党建引领",
]


def make_queries(n: int = 50, seed: int = 7) -> list[SearchQuery]:
    """2-6 character queries, about half with one or two facet filters."""
    rng = random.Random(seed)
    units = _units()
    queries: list[SearchQuery] = []
    for i in range(n):
        term = QUERY_TERMS[i % len(QUERY_TERMS)]
        filters: dict[str, list[str]] = {}
        r = rng.random()
        if r < 0.25:
            filters["region"] = [rng.choice(REGIONS["韶关市"])]
        elif r < 0.4:
            filters["year"] = [str(rng.randint(2019, 2025))]
        elif r < 0.5:
            filters["level1"] = [rng.choice(list(CATALOG))]
            filters["unit"] = [rng.choice(units).path]
        queries.append(SearchQuery(q=term, filters=filters, sort="date" if i % 5 == 0 else "relevance"))
    return queries


# --- the engine boundary ---------------------------------------------------------------


class BenchEngine(Protocol):
    name: str

    def build(self, docs: Iterable[IndexDocument]) -> int: ...

    def run(self, query: SearchQuery) -> SearchResults: ...


class BackendEngine:
    """Adapts one of our SearchBackends to the benchmark."""

    def __init__(self, backend: SearchBackend, synonyms: Sequence[set[str]] = ()) -> None:
        self.backend = backend
        self.name = backend.name
        self.synonyms = list(synonyms)

    def build(self, docs: Iterable[IndexDocument]) -> int:
        return self.backend.rebuild(docs)

    def run(self, query: SearchQuery) -> SearchResults:
        return self.backend.search(query, synonyms=self.synonyms)


@dataclass
class BenchResult:
    engine: str
    n_docs: int
    build_seconds: float
    latencies_ms: list[float]
    totals: list[int]
    # CPU time of this process: steadier than wall time on a shared machine
    # (other processes only slow the wall clock).
    build_cpu_seconds: float = 0.0
    cpu_ms: list[float] = field(default_factory=list)

    @property
    def docs_per_second(self) -> float:
        return self.n_docs / self.build_seconds if self.build_seconds else float("inf")

    def percentile(self, p: float, values: list[float] | None = None) -> float:
        ordered = sorted(self.latencies_ms if values is None else values)
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]

    def report(self, built: bool = True) -> str:
        build = (
            f"{self.n_docs} items indexed in {self.build_seconds:.1f} s ({self.docs_per_second:,.0f} items/s)"
            if built
            else f"{self.n_docs} items (existing index)"
        )
        cpu = f" (CPU {self.build_cpu_seconds:.1f} s)" if built else ""
        return (
            f"{self.engine}: {build}{cpu}; {len(self.latencies_ms)} queries: "
            f"p50 {self.percentile(50):.1f} ms, p95 {self.percentile(95):.1f} ms, "
            f"max {max(self.latencies_ms):.1f} ms (CPU p50 {self.percentile(50, self.cpu_ms):.1f} ms, "
            f"p95 {self.percentile(95, self.cpu_ms):.1f} ms), mean hits {statistics.mean(self.totals):,.0f}"
        )


def run_benchmark(engine: BenchEngine, docs: Iterable[IndexDocument], queries: Sequence[SearchQuery]) -> BenchResult:
    started, started_cpu = time.perf_counter(), time.process_time()
    n = engine.build(docs)
    build_seconds, build_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    engine.run(queries[0])  # warm caches once, as a running site would be
    latencies: list[float] = []
    cpu: list[float] = []
    totals: list[int] = []
    for query in queries:
        t0, c0 = time.perf_counter(), time.process_time()
        results = engine.run(query)
        latencies.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        totals.append(results.total)
    return BenchResult(engine.name, n, build_seconds, latencies, totals, build_cpu, cpu)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=100_000, help="number of items (default 100000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", type=Path, help="write the embedded index here instead of a temp dir")
    parser.add_argument("--no-build", action="store_true", help="query the existing index at --keep, do not rebuild")
    parser.add_argument("--dense", action="store_true", help="worst case: every query matches 25-50%% of the items")
    args = parser.parse_args(argv)

    from search.backends.embedded import EmbeddedBackend

    synonyms = [{"纪委", "纪律检查委员会"}, {"三重一大", "重大事项决策"}]
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "index.sqlite3"
        backend = EmbeddedBackend(path)
        engine = BackendEngine(backend, synonyms)
        if args.no_build:
            if not args.keep:
                parser.error("--no-build needs --keep PATH")
            engine.build = lambda docs: backend.count()  # type: ignore[method-assign]
        # Generated up front so that the build time is the engine's alone.
        docs = [] if args.no_build else list(make_corpus(args.n, args.seed, dense=args.dense))
        try:
            result = run_benchmark(engine, docs, make_queries())
        finally:
            backend.close()
        size_mb = sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6
    print(("dense corpus, " if args.dense else "") + result.report(built=not args.no_build))
    print(f"index size {size_mb:.0f} MB, started {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
