#!/bin/sh
# run.sh runs kubedyn's and client-go's benchmarks side by side, saves the
# raw output to results/raw-<UTC time>.txt, prints benchstat's summary
# (confidence intervals per library) and a table of kubedyn/client-go ratios.
#
#   ./run.sh                 # everything, 6 samples each
#   BENCH='WarmMapper' COUNT=10 BENCHTIME=2000x ./run.sh
set -eu
cd "$(dirname "$0")"
BENCH=${BENCH:-.}
COUNT=${COUNT:-6}
BENCHTIME=${BENCHTIME:-1s}
mkdir -p results
raw="results/raw-$(date -u +%Y%m%dT%H%M%SZ).txt"
go test -run '^$' -bench "$BENCH" -benchtime "$BENCHTIME" -count "$COUNT" -timeout 60m . | tee "$raw"
echo
echo "== benchstat (columns by library) =="
go run golang.org/x/perf/cmd/benchstat@latest -col /lib "$raw" || echo "(benchstat unavailable; raw output in $raw)"
echo
echo "== ratios kubedyn / client-go (mean of $COUNT samples; < 1 means kubedyn is better, except events/s) =="
awk '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	lib = name; sub(/.*lib=/, "", lib); sub(/\/.*/, "", lib)
	key = name; sub(/lib=[^\/]*\/?/, "", key); sub(/\/$/, "", key)
	for (i = 3; i < NF; i += 2) {
		unit = $(i + 1)
		if (unit == "MB/s") continue
		sum[key, unit, lib] += $i; n[key, unit, lib]++
		if (!((key, unit) in seen)) { seen[key, unit] = 1; order[++m] = key SUBSEP unit }
	}
}
END {
	printf "%-52s %-14s %14s %14s %8s\n", "benchmark", "unit", "client-go", "kubedyn", "ratio"
	for (j = 1; j <= m; j++) {
		split(order[j], ku, SUBSEP); k = ku[1]; u = ku[2]
		if (!n[k, u, "client-go"] || !n[k, u, "kubedyn"]) continue
		c = sum[k, u, "client-go"] / n[k, u, "client-go"]; d = sum[k, u, "kubedyn"] / n[k, u, "kubedyn"]
		r = (c == 0) ? "-" : sprintf("%.3f", d / c)
		printf "%-52s %-14s %14.4g %14.4g %8s\n", k, u, c, d, r
	}
}' "$raw"
echo
echo "raw output: $raw"
