# Dev loop for our io_uring: see README.md.
#   make run [INTERACTIVE=1]      build, boot, show the demo (or a shell)
#   make check [IMPL=upstream|upstream-7.2] [DEBUG=1] [FAULT=1] [ACCEL=kvm] [TESTS=regex [REPEAT=N]]
#   make patches                  git format-patch series against the base tree
#   make bisect                   build after each patch of the series
#   make kernel                   just build the kernel
#   make bench [ROUNDS=3] [BENCH_NOBUILD=1] [BENCH_ONLY=regex]  ours vs the reference
#   make fuzz [SECS=600] [SEED=N] [IMPL=upstream] [DEBUG=1]  seeded fuzzing
#   make profile WORKLOAD=nop-b32 [OPS=N]  kernel instructions per operation
export IMPL ?= ours
export DEBUG ?= 0
export ACCEL ?= tcg
export TESTS ?=
export REPEAT ?= 1
export FAULT ?= 0
export SECS ?=
export SEED ?=

.PHONY: run check patches bisect kernel selftests clean bench fuzz profile

run:
	@bash dev/check.sh $(if $(filter 1,$(INTERACTIVE)),shell,demo)

check:
	@bash dev/check.sh check

bench:
	@bash dev/bench.sh

fuzz:
	@bash dev/fuzz.sh

profile:
	@bash dev/profile.sh

kernel:
	@bash dev/deps.sh && bash dev/kernel.sh

patches:
	@bash dev/deps.sh && bash dev/patches.sh

bisect:
	@bash dev/deps.sh && bash dev/bisect.sh

clean:
	rm -rf out
