# The two commands of the README: `make run` and `make test`. Everything else is a helper for them.
BUILD_DIR ?= build
JOBS ?= 2
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: run test build broker deps run-deps package clean

# Everything to build, test, package and benchmark (tools/install-deps.sh).
deps:
	@./tools/install-deps.sh

# Only what the broker needs to build and run (no test clients, fuzzer, benchmark peers, browser).
run-deps:
	@./tools/install-deps.sh --run

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)

# `make run`: the samsa binary and the libraries it links, nothing else (184 of the 294 compile steps).
broker: run-deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j$(JOBS) --target samsa

run: broker
	./$(BUILD_DIR)/samsa broker $(ARGS)

# Everything. Configures again each time: a tree first configured by `make run`, before the test
# dependencies (doctest, librdkafka, ...) were installed, finds them now and gets its tests.
build: deps
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)
	cmake --build $(BUILD_DIR) -j$(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS)

# The Debian packages samsa_VERSION_ARCH.deb and samsa-dev_VERSION_ARCH.deb in $(BUILD_DIR) (docs/operations.md).
package: build
	cd $(BUILD_DIR) && cpack -G DEB
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
