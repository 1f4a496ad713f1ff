#!/usr/bin/env bash
# Build and run the tlsaccept benchmark suite: prints a Markdown table, writes benchmarks/target/results.json.
#   benchmarks/run.sh            full suite (~16 minutes on 2 cores)
#   benchmarks/run.sh --smoke    seconds-long smoke run
# Any other arguments are passed to the suite (--rounds N --seconds S --warmup S --threads N --pending N --bulk-seconds S
# --rate HS_PER_S --latency-seconds S --only SERVER,... --phases handshake,latency,pending,bulk[,resumption] --out FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
# 10,000 pending handshakes need 10,000 sockets in the client and in the server process
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "open files limit: $(ulimit -n)" >&2
./mvnw -q -pl benchmarks -am package -DskipTests
exec java -jar benchmarks/target/tlsaccept-benchmarks.jar --out benchmarks/target/results.json "$@"
