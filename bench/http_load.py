"""A small HTTP load generator for bench/load.sh where wrk is not installed.

    .venv/bin/python bench/http_load.py http://127.0.0.1:8765/ --seconds 15 --connections 16

asyncio, one request per connection (gunicorn's sync workers close each one), so it costs
the client ~0.3 ms of CPU per request: on a shared machine that CPU is taken from the server
too, as wrk's would be. Prints the line load.sh reads:

    RESULT <requests/s> <p95 ms> <non-2xx> <socket errors>
"""

from __future__ import annotations

import argparse
import asyncio
import time
from urllib.parse import urlsplit


async def one_request(host: str, port: int, request: bytes) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(request)
        await writer.drain()
        status_line = await reader.readline()
        await reader.read()  # Connection: close: read to the end
        return int(status_line.split()[1])
    finally:
        writer.close()


async def run(url: str, seconds: float, connections: int) -> tuple[int, list[float], int, int, float]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request = (
        f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\nUser-Agent: bench\r\n\r\n".encode()
    )
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    errors = {"status": 0, "socket": 0}

    async def worker() -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                status = await one_request(host, port, request)
            except (OSError, ValueError, IndexError):
                errors["socket"] += 1
                continue
            latencies.append(time.perf_counter() - started)
            if not 200 <= status < 300:
                errors["status"] += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    return len(latencies), latencies, errors["status"], errors["socket"], elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    count, latencies, status_errors, socket_errors, elapsed = asyncio.run(run(args.url, args.seconds, args.connections))
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))] * 1000 if latencies else 0.0
    print(f"RESULT {count / elapsed:.1f} {p95:.1f} {status_errors} {socket_errors}")


if __name__ == "__main__":
    main()
