# Developer shortcuts. The package builds with Swift Package Manager; see README.md.

DATA ?=
PEERS ?= $(INTRINSIC_AUDIT_PEERS)
SKIP ?= $(BENCH_SKIP)

.PHONY: bench

# Runs every benchmark workload side by side with the Python peers and rewrites
# docs/benchmarks.md and docs/benchmark-growth.png. DATA is the Kermany chest X-ray folder,
# PEERS the folder with the peer programs, SKIP a list of workloads to leave out (e.g. P7).
# The BENCH_* variables of scripts/bench/run.sh pass through the environment.
bench:
	@test -n "$(DATA)" || { echo "Error: missing DATA; run: make bench DATA=/path/to/kermany-cxr224 PEERS=/path/to/peers" >&2; exit 64; }
	BENCH_SKIP="$(SKIP)" scripts/bench/run.sh "$(DATA)" "$(PEERS)"
