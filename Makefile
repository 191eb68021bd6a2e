# Dev loop for our io_uring: see README.md.
#   make run [INTERACTIVE=1]      build, boot, show the demo (or a shell)
#   make check [IMPL=upstream] [DEBUG=1] [ACCEL=kvm] [TESTS=regex]
#   make patches                  git format-patch series against the base tree
#   make kernel                   just build the kernel
export IMPL ?= ours
export DEBUG ?= 0
export ACCEL ?= tcg
export TESTS ?=

.PHONY: run check patches kernel selftests clean

run:
	@bash dev/check.sh $(if $(filter 1,$(INTERACTIVE)),shell,demo)

check:
	@bash dev/check.sh check

kernel:
	@bash dev/deps.sh && bash dev/kernel.sh

patches:
	@bash dev/deps.sh && bash dev/patches.sh

clean:
	rm -rf out
