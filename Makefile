# The two commands of the README: `make run` and `make test`. Everything else is a helper for them.
BUILD_DIR ?= build
JOBS ?= 2
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: run test build deps clean

deps:
	@./tools/install-deps.sh

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j$(JOBS)

run: build
	./$(BUILD_DIR)/samsa broker $(ARGS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS)

# Benchmarks (bench/README.md, docs/benchmarks.md): starts its own broker and peers, prints Markdown tables,
# then the cluster benchmarks (bench/cluster_failover.sh: three nodes, quorum failover and topic propagation;
# bench/cluster_replication.sh: replicated produce and consume against a single node, partition failover).
# BENCH_ARGS passes options, e.g. make bench BENCH_ARGS="--smoke" or BENCH_ARGS="--out bench.md"; the cluster
# parts take --smoke, --out and --keep from them (the replication part --seconds and --repeat too) and run
# alone with BENCH_ARGS="--only cluster" (both) or "--only replication" (the second).
# All always run; the exit status is the first failure's.
.PHONY: bench
bench: build
	@rc=0; \
	./$(BUILD_DIR)/bench/samsa_bench --samsa ./$(BUILD_DIR)/samsa $(BENCH_ARGS) || rc=$$?; \
	./bench/cluster_failover.sh --samsa ./$(BUILD_DIR)/samsa --bench-args "$(BENCH_ARGS)" || { s=$$?; [ $$rc -ne 0 ] || rc=$$s; }; \
	./bench/cluster_replication.sh --samsa ./$(BUILD_DIR)/samsa --bench-args "$(BENCH_ARGS)" || { s=$$?; [ $$rc -ne 0 ] || rc=$$s; }; \
	exit $$rc

clean:
	rm -rf $(BUILD_DIR)
