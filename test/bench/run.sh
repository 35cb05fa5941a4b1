#!/bin/sh
# run.sh runs kubedyn's and client-go's benchmarks side by side, saves the
# raw output to results/raw-<UTC time>.txt, prints benchstat's summary
# (confidence intervals per library) and a table of kubedyn/client-go ratios.
#
#   ./run.sh                 # every row of the README's table, in one run, 6 samples each
#   BENCH='WarmMapper' COUNT=10 BENCHTIME=2000x ./run.sh
#
# Without BENCH it runs the README table's three groups one after the other
# into the same raw file, each at the -benchtime that suits it (BENCHTIME, if
# set, overrides all three): the fast mapper and cold-discovery benchmarks
# for 0.3s, the heavy list, watch and informer ones once per sample, and the
# warm-discovery ones 20 times.
set -eu
cd "$(dirname "$0")"
COUNT=${COUNT:-6}
mkdir -p results
raw="results/raw-$(date -u +%Y%m%dT%H%M%SZ).txt"
: >"$raw"
run_group() {
	echo "== go test -bench '$1' -benchtime $2 -count $COUNT ==" >&2
	go test -run '^$' -bench "$1" -benchtime "$2" -count "$COUNT" -timeout 60m . | tee -a "$raw"
}
if [ -n "${BENCH:-}" ]; then
	run_group "$BENCH" "${BENCHTIME:-1s}"
else
	run_group 'WarmMapper|ColdDiscovery' "${BENCHTIME:-0.3s}"
	run_group 'ListDecode|List$|WatchDecode|Watch$|InformerMemory' "${BENCHTIME:-1x}"
	run_group 'WarmDiscovery' "${BENCHTIME:-20x}"
fi
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
