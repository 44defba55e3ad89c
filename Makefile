# osv-rv top-level Makefile.
#
#   make            kernel, user programs, test programs and fs.img
#   make qemu       boot to the shell (Ctrl-A x leaves QEMU)
#   make qemu-gdb   boot, but wait for gdb on port $(GDBPORT)
#   make gdb        gdb-multiarch with .gdbinit, attached to qemu-gdb
#   make test       run every test (test/run.py); T=name runs one
#   make bench      run the benchmarks
#   make fuzz       run the system-call fuzzer for SECONDS (default 60), with
#                   a new seed each run or SEED=, and WORKERS= (default 4)
#                   processes (test/fuzz.c, docs/testing.md)
#   make clean
#
# CPUS= (default 4) and MEM= (default 256M) size the QEMU machine.
# A new user program is one .c file in user/, a new test one .c file in
# test/: both are found by wildcard and put into fs.img. Every other folder
# under user/ but user/lib (osv's user/lab1 ... user/lab5, and our own
# user/lab0) holds programs written for osv: each .c is one program, put
# on the disk under its file name (user/lab3/cow-fork.c is `cow-fork`) and
# compiled as osv compiled them (OSV_CFLAGS below).
# When the RISC-V toolchain, QEMU, OpenSBI or gdb-multiarch is missing, the
# first build installs Debian's packages (see the `deps` target).

CPUS ?= 4
MEM ?= 256M
GDBPORT ?= 1234
B := build

CROSS ?= riscv64-unknown-elf-
CC := $(CROSS)gcc
LD := $(CROSS)ld
OBJCOPY := $(CROSS)objcopy
NM := $(CROSS)nm
QEMU := qemu-system-riscv64
OPENSBI_DIR := /usr/lib/riscv64-linux-gnu/opensbi/generic
OPENSBI := $(OPENSBI_DIR)/fw_jump.bin
DEBS := gcc-riscv64-unknown-elf qemu-system-misc opensbi gdb-multiarch
PYTHON ?= python3

# User programs may use floating point; the kernel never does, so it only
# saves the FP registers when it switches threads (kernel/arch/riscv/swtch.S).
UARCHFLAGS := -march=rv64gc -mabi=lp64d -mcmodel=medany
KARCHFLAGS := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany
BASE_CFLAGS := -ffreestanding -nostdlib -fno-builtin -fno-common \
	-fno-stack-protector -fno-pie -no-pie -fno-omit-frame-pointer -g \
	-std=gnu11 -Iinclude -MMD -MP
COMMON_CFLAGS := $(BASE_CFLAGS) -O2 -Wall -Wextra -Werror
KCFLAGS := $(KARCHFLAGS) $(COMMON_CFLAGS) -DOSV_KERNEL -mno-relax
UCFLAGS := $(UARCHFLAGS) $(COMMON_CFLAGS) -DOSV_USER
# Programs written for osv get osv's flags: -Wall -Werror without -Wextra
# (a comparison of int with size_t is not an error there), and no
# optimisation, so a stack array or a loop the optimiser would delete
# behaves as on osv.
OSV_CFLAGS := $(UARCHFLAGS) $(BASE_CFLAGS) -O0 -Wall -Werror -DOSV_USER
HOSTCC ?= gcc
HOSTCFLAGS := -O2 -g -Wall -Wextra -Werror -Iinclude -DOSV_HOST_TOOL

# ---------------------------------------------------------------- sources
KERNEL_SRCS := $(shell find kernel -name '*.c' -o -name '*.S' | sort)
KERNEL_OBJS := $(patsubst %,$(B)/%.o,$(basename $(KERNEL_SRCS)))
ULIB_SRCS := $(sort $(wildcard user/lib/*.c user/lib/*.S))
ULIB_OBJS := $(patsubst %,$(B)/%.o,$(basename $(ULIB_SRCS)))
USER_PROGS := $(patsubst user/%.c,$(B)/user/%,$(sort $(wildcard user/*.c)))
LAB_DIRS := $(filter-out user/lib/,$(sort $(dir $(wildcard user/*/*.c))))
LAB_PROGS := $(patsubst user/%.c,$(B)/user/%,$(sort $(wildcard $(addsuffix *.c,$(LAB_DIRS)))))
TEST_PROGS := $(patsubst test/%.c,$(B)/test/%,$(sort $(wildcard test/*.c)))
# The root directory begins README (exactly 150 bytes, as osv's: keep it
# so when editing user/README), largefile, smallfile, testfile (API.md),
# then init, sh and the other programs, the lab programs, then the tests.
FIRST_PROGS := $(B)/user/init $(B)/user/sh
FS_PROGS := $(FIRST_PROGS) $(filter-out $(FIRST_PROGS),$(USER_PROGS)) \
	$(LAB_PROGS) $(TEST_PROGS)
FS_FILES := user/README $(B)/largefile $(B)/smallfile $(B)/testfile $(FS_PROGS)
# Every file of the disk's root directory needs a name of its own.
FS_CLASHES := $(sort $(foreach n,$(notdir $(FS_PROGS)),\
	$(if $(filter-out 1,$(words $(filter %/$(n),$(FS_PROGS)))),$(n))))
ifneq ($(FS_CLASHES),)
$(error osv-rv: more than one program is named $(FS_CLASHES) on the disk \
	(user/, user/*/ and test/ share the root directory): rename one)
endif

all: $(B)/kernel.elf $(B)/fs.img

# ------------------------------------------------------------ toolchain
# Installs Debian's packages when a tool is missing, with sudo when not root.
DEPS_OK = command -v $(CC) >/dev/null 2>&1 && command -v $(QEMU) >/dev/null 2>&1 \
	&& test -f $(OPENSBI) && command -v gdb-multiarch >/dev/null 2>&1
$(B)/.deps:
	@mkdir -p $(B)
	@if ! ( $(DEPS_OK) ); then \
	  echo "osv-rv: installing $(DEBS)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; \
	  elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; \
	  else echo "osv-rv: please run as root: apt-get install -y --no-install-recommends $(DEBS)"; exit 1; fi; \
	  $$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y --no-install-recommends $(DEBS) || { \
	    echo "osv-rv: could not install; run: sudo apt-get install -y --no-install-recommends $(DEBS)"; exit 1; }; \
	fi
	@touch $@
deps: $(B)/.deps

# --------------------------------------------------------------- kernel
$(B)/kernel/%.o: kernel/%.c | $(B)/.deps
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) -c $< -o $@
$(B)/kernel/%.o: kernel/%.S | $(B)/.deps
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) -c $< -o $@

# The kernel is linked twice: the first link gives the addresses of its
# functions, which become the symbol table PANIC uses for backtraces; the
# table sits last in the image, so the second link moves no function.
$(B)/ksyms-empty.o: linker/ksyms-empty.S | $(B)/.deps
	$(CC) $(KCFLAGS) -c $< -o $@
$(B)/kernel.pass1: $(KERNEL_OBJS) $(B)/ksyms-empty.o linker/kernel.ld
	$(LD) -z max-page-size=4096 -T linker/kernel.ld -o $@ $(KERNEL_OBJS) $(B)/ksyms-empty.o
$(B)/ksyms.S: $(B)/kernel.pass1 linker/ksyms.sh
	sh linker/ksyms.sh $(NM) $< > $@
$(B)/ksyms.o: $(B)/ksyms.S
	$(CC) $(KCFLAGS) -c $< -o $@
$(B)/kernel.elf: $(KERNEL_OBJS) $(B)/ksyms.o linker/kernel.ld
	$(LD) -z max-page-size=4096 -T linker/kernel.ld -o $@ $(KERNEL_OBJS) $(B)/ksyms.o
	$(CROSS)objdump -S $@ > $(B)/kernel.asm

# ---------------------------------------------------------- user space
$(B)/user/%.o: user/%.c | $(B)/.deps
	@mkdir -p $(@D)
	$(CC) $(UCFLAGS) -c $< -o $@
$(B)/user/%.o: user/%.S | $(B)/.deps
	@mkdir -p $(@D)
	$(CC) $(UCFLAGS) -c $< -o $@
# A lab program that does not compile is named before make stops, so a
# course sees at once which of its files needs attention.
define OSV_COMPILE
$(B)/$(1)%.o: $(1)%.c | $(B)/.deps
	@mkdir -p $$(@D)
	$$(CC) $$(OSV_CFLAGS) -c $$< -o $$@ || { \
	  echo "osv-rv: $$< does not compile (osv flags: -Wall -Werror -O0)" >&2; exit 1; }
endef
$(foreach d,$(LAB_DIRS),$(eval $(call OSV_COMPILE,$(d))))
$(B)/test/%.o: test/%.c | $(B)/.deps
	@mkdir -p $(@D)
	$(CC) $(UCFLAGS) -c $< -o $@
$(B)/ulib.a: $(ULIB_OBJS)
	rm -f $@
	$(CROSS)ar rcs $@ $^
ULIBGCC = $(shell $(CC) $(UARCHFLAGS) -print-libgcc-file-name)
$(B)/user/%: $(B)/user/%.o $(B)/ulib.a linker/user.ld
	$(LD) -z max-page-size=4096 -T linker/user.ld -o $@ $< $(B)/ulib.a $(ULIBGCC)
$(B)/test/%: $(B)/test/%.o $(B)/ulib.a linker/user.ld
	$(LD) -z max-page-size=4096 -T linker/user.ld -o $@ $< $(B)/ulib.a $(ULIBGCC)

# ------------------------------------------------------------- fs.img
$(B)/mkfs: mkfs/mkfs.c $(wildcard include/kernel/sfs.h) include/kernel/types.h include/arch/types.h
	@mkdir -p $(B)
	$(HOSTCC) $(HOSTCFLAGS) -o $@ mkfs/mkfs.c
$(B)/largefile:
	@mkdir -p $(B)
	$(PYTHON) -c "import sys; sys.stdout.write('a' * 20480)" > $@
$(B)/smallfile:
	@mkdir -p $(B)
	printf 'aaaaaaaaaabbbbbbbbbbccccc\n' > $@
$(B)/testfile:
	@mkdir -p $(B)
	printf 'abcdef\n' > $@
$(B)/fs.img: $(B)/mkfs $(FS_FILES)
	$(B)/mkfs $@ $(FS_FILES)

# ---------------------------------------------------------------- qemu
QEMUOPTS = -machine virt -bios $(OPENSBI) -kernel $(B)/kernel.elf \
	-m $(MEM) -smp $(CPUS) -nographic \
	-global virtio-mmio.force-legacy=false \
	-drive file=$(B)/fs.img,if=none,format=raw,id=x0 \
	-device virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0

# When stdin is a pipe (an autograder: printf 'ls\rquit\r' | make qemu), one
# NUL goes first: QEMU hands the UART its first input byte at reset, and
# OpenSBI's FIFO setup then drops it. The console ignores NUL, so nothing
# changes when the byte survives.
qemu: all
	@if [ -t 0 ]; then $(QEMU) $(QEMUOPTS); \
	else { printf '\000'; cat; } | $(QEMU) $(QEMUOPTS); fi

qemu-gdb: all
	@echo "*** waiting for gdb on port $(GDBPORT): run 'make gdb' in another terminal"
	$(QEMU) $(QEMUOPTS) -S -gdb tcp::$(GDBPORT)

gdb: $(B)/kernel.elf
	gdb-multiarch -q -nx -iex 'set $$osv_port = $(GDBPORT)' -x .gdbinit

test: all
	$(PYTHON) test/run.py $(if $(T),$(T))

bench: all
	$(PYTHON) test/run.py --bench

fuzz: all
	$(PYTHON) test/run.py --fuzz $(or $(SECONDS),60) $(if $(SEED),--seed $(SEED)) \
	    $(if $(WORKERS),--workers $(WORKERS))

clean:
	rm -rf $(B) compile_commands.json

.PHONY: all deps qemu qemu-gdb gdb test bench fuzz clean
.SECONDARY:
.DELETE_ON_ERROR:

-include $(shell find $(B) -name '*.d' 2>/dev/null)
