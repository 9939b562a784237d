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
# then the cluster benchmark (bench/cluster_failover.sh: three nodes, failover and topic propagation).
# BENCH_ARGS passes options, e.g. make bench BENCH_ARGS="--smoke" or BENCH_ARGS="--out bench.md"; the cluster
# part takes --smoke, --out and --keep from them and runs alone with BENCH_ARGS="--only cluster".
# Both always run; the exit status is the first failure's.
.PHONY: bench
bench: build
	@rc=0; \
	./$(BUILD_DIR)/bench/samsa_bench --samsa ./$(BUILD_DIR)/samsa $(BENCH_ARGS) || rc=$$?; \
	./bench/cluster_failover.sh --samsa ./$(BUILD_DIR)/samsa --bench-args "$(BENCH_ARGS)" || { s=$$?; [ $$rc -ne 0 ] || rc=$$s; }; \
	exit $$rc

clean:
	rm -rf $(BUILD_DIR)
