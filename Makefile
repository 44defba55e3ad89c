# osv-rv top-level Makefile.
#
#   make            kernel, user programs, test programs, fs.img and the
#                   tests' untouched copy of it, fs-tests.img
#   make qemu       boot to the shell (Ctrl-A x leaves QEMU); a script can
#                   drive it through a pipe on stdin (see the qemu section)
#   make qemu-test  the same with the console on the FIFOs
#                   build/osv-test.in and build/osv-test.out (osv's graders)
#   make qemu-test-low-mem   the same on a machine starved of memory
#   make qemu-gdb   boot, but wait for gdb on 127.0.0.1:$(GDBPORT)
#   make gdb        gdb-multiarch with .gdbinit, attached to qemu-gdb
#                   (docs/gdb.md)
#   make test       run every test (test/run.py); T=name runs one
#   make grade      the same, writing Gradescope's $(B)/results.json
#   make symbolize  file:line for a panic's backtrace (stdin or LOG=)
#   make bench      run the benchmarks: a table of figures, ratios and
#                   targets, also written to $(B)/bench.json (the last
#                   run's kept as $(B)/bench.prev.json)
#   make bench-compare   the last two runs' figures side by side
#   make reset-disk a fresh build/fs.img (it keeps what the machine wrote)
#   make fuzz       run the system-call fuzzer for SECONDS (default 60), with
#                   a new seed each run or SEED=, and WORKERS= (default 4)
#                   processes (test/fuzz.c, docs/testing.md)
#   make compile_commands.json   for clangd and other editors (.clangd)
#   make check-clangd            clangd --check on every file
#   make check-format            clang-format --dry-run on the directories
#                                where formatting is on (.clang-format)
#   make clean
#
# CPUS= (default 4) and MEM= (default 256M) size the QEMU machine
# (MACHINE= picks the board, QEMU_CPU= the harts: see the qemu section);
# GDBPORT= (default 1234) is the port of qemu-gdb and gdb.
# J= is how many machines `make test` runs at once (default 2 on 2 or
# more cores; J=1 runs one test at a time).
# DEBUG=1 builds into build-debug/ a kernel with its costly checks on
# (-DDEBUG: the journal's per-operation block limit, ...); `make qemu
# DEBUG=1` boots it and `make test DEBUG=1` runs every test on it. `make
# test` builds it too, for the tests marked `debug` (test/run.py).
# B= puts the build elsewhere (`make test B=out` builds and tests out/, and
# the debug kernel in out-debug/).
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
DEBUG ?=
B := $(if $(filter 1,$(DEBUG)),build-debug,build)
# Where the kernel of the tests marked `debug` is built.
DEBUG_B := $(if $(filter 1,$(DEBUG)),$(B),$(B)-debug)

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
# Our scripts (test/*.py) use the standard library alone, so they start
# without site (-S): its .pth files of installed packages cost 0.06 to
# 0.08 s of CPU a start where a package manager left some (pyenv's
# Python here), against 0.03 s for the whole start without them; make
# test starts the relay (test/qemu.py) some twenty times.
PY_RUN = $(PYTHON) -S

# User programs may use floating point; the kernel never does, so it only
# saves the FP registers when it switches threads (kernel/arch/riscv/swtch.S).
UARCHFLAGS := -march=rv64gc -mabi=lp64d -mcmodel=medany
KARCHFLAGS := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany
BASE_CFLAGS := -ffreestanding -nostdlib -fno-builtin -fno-common \
	-fno-stack-protector -fno-pie -no-pie -fno-omit-frame-pointer -g \
	-std=gnu11 -Iinclude -MMD -MP
COMMON_CFLAGS := $(BASE_CFLAGS) -O2 -Wall -Wextra -Werror
KCFLAGS := $(KARCHFLAGS) $(COMMON_CFLAGS) -DOSV_KERNEL -mno-relax \
	$(if $(filter 1,$(DEBUG)),-DDEBUG)
UCFLAGS := $(UARCHFLAGS) $(COMMON_CFLAGS) -DOSV_USER
# Programs written for osv get osv's flags: -Wall -Werror without -Wextra
# (a comparison of int with size_t is not an error there), and no
# optimisation, so a stack array or a loop the optimiser would delete
# behaves as on osv. -Wall is osv's -Wall: the checks gcc 12 added to it
# flag what lab programs do on purpose (recurse without end to overflow
# the stack, keep a local's address to see where the stack is, compare
# two arrays' addresses), and osv's compilers built those without a word,
# so they are off (user/lab0/stack-overflow). gcc 12 also widened
# -Waddress to an array or a member compared with NULL (`buf == NULL`,
# `d.name != NULL`, `&st.size == NULL`), which gcc 11 and older built
# silently; no flag turns off only the new part, so -Waddress is off
# (user/lab0/osv-flags). gcc 11 taught -Wmaybe-uninitialized to flag a
# buffer never written handed to a const pointer (`char buf[512];
# write(fd, buf, 512)`, a test that only counts bytes), even at -O0, where
# gcc 10 and older gave no -Wmaybe-uninitialized at all; so it is off
# (-Wuninitialized, a plain read of an unset variable, stays on).
# gcc 11 also began checking array parameters: a prototype `f(int a[4])`
# with a definition `f(int *a)` (-Warray-parameter, in -Wall), and a call
# passing a smaller array than the parameter names (-Wstringop-overflow
# and -Wstringop-overread, on by default, which at -O0 without builtins
# check little else); gcc 10 and older built both silently, so they are
# off (user/lab0/osv-flags), as are gcc 11's two other additions to
# -Wall: a prototype `f(int n, int a[n])` with a definition `f(int n,
# int *a)` (-Wvla-parameter), and an array's size divided by another
# type's than its elements' (`sizeof(longs) / sizeof(int)`,
# -Wsizeof-array-div).
# A plain char is signed, as on osv's x86_64 (RISC-V's ABI makes it
# unsigned): a lab program that compares a char holding 0xff with -1, or
# prints one with %d, sees what it saw on osv (user/lab0/signed-char).
# An integer division or remainder by zero traps on x86 (#DE), which ended
# the program on osv; RISC-V's never traps (x / 0 is -1, x % 0 is x), so a
# lab program ran on with those. gcc's check before each one traps (an
# ebreak) when the divisor is 0, and the kernel kills the program as it
# kills any that faults (user/lab0/divide-by-zero).
OSV_CFLAGS := $(UARCHFLAGS) $(BASE_CFLAGS) -O0 -Wall -Werror -DOSV_USER \
	-Wno-infinite-recursion -Wno-dangling-pointer -Wno-array-compare -Wno-address \
	-Wno-maybe-uninitialized -Wno-array-parameter -Wno-stringop-overflow \
	-Wno-stringop-overread -Wno-vla-parameter -Wno-sizeof-array-div -fsigned-char \
	-fsanitize=integer-divide-by-zero -fsanitize-undefined-trap-on-error
HOSTCC ?= gcc
HOSTCFLAGS := -O2 -g -Wall -Wextra -Werror -Iinclude -DOSV_HOST_TOOL

# ---------------------------------------------------------------- sources
# $(call rwildcard,DIR,PATTERNS): the files below DIR that match PATTERNS
# (such as %.c), found by make itself: a $(shell find ...) started a
# shell and find at every make (some 45 in make test), each make's
# lists a third of its CPU.
rwildcard = $(foreach f,$(wildcard $(1:=/*)),$(call rwildcard,$(f),$(2)) $(filter $(2),$(f)))
KERNEL_SRCS := $(sort $(call rwildcard,kernel,%.c %.S))
KERNEL_OBJS := $(patsubst %,$(B)/%.o,$(basename $(KERNEL_SRCS)))
ULIB_SRCS := $(sort $(wildcard user/lib/*.c user/lib/*.S))
ULIB_OBJS := $(patsubst %,$(B)/%.o,$(basename $(ULIB_SRCS)))
LAB_DIRS := $(filter-out user/lib/,$(sort $(dir $(wildcard user/*/*.c))))
# A course's program (a .c file directly in a lab folder) takes its name
# from osv-rv's own program of the same name, a lab0 test, a test of test/
# or a command of user/, none of which osv has, so that copying a course's
# lab folders in never clashes with them (test/run.py then leaves that
# test out). The commands osv has too (init, sh, ls, cat, echo), and free,
# which make test's leak check runs, stay osv-rv's: a course's program of
# one of those names stops the build.
KEPT_NAMES := init sh ls cat echo free
COURSE_SRCS := $(filter-out user/lab0/%,$(wildcard $(addsuffix *.c,$(LAB_DIRS))))
COURSE_KEPT := $(filter $(addprefix %/,$(addsuffix .c,$(KEPT_NAMES))),$(COURSE_SRCS))
SHADOWED := $(filter $(addprefix %/,$(notdir $(COURSE_SRCS))),\
	$(wildcard user/lab0/*.c test/*.c $(filter-out $(addprefix user/,$(addsuffix .c,$(KEPT_NAMES))),\
	$(wildcard user/*.c))))
USER_PROGS := $(patsubst user/%.c,$(B)/user/%,$(sort $(filter-out $(SHADOWED),$(wildcard user/*.c))))
LAB_PROGS := $(patsubst user/%.c,$(B)/user/%,$(sort $(filter-out $(SHADOWED),\
	$(wildcard $(addsuffix *.c,$(LAB_DIRS))))))
TEST_PROGS := $(patsubst test/%.c,$(B)/test/%,$(sort $(filter-out $(SHADOWED),$(wildcard test/*.c))))
# A program is a .c file directly in a folder of user/: one further down
# is not built, and make says so rather than leave a grader to find it
# missing at the prompt.
NESTED_SRCS := $(filter-out user/lib/%,$(wildcard user/*/*/*.c user/*/*/*/*.c))
# The root directory begins README (exactly 150 bytes, as osv's: keep it
# so when editing user/README), largefile, smallfile, testfile (docs/api.md),
# then init, sh, ls, cat and echo (docs/api.md's order) and the other programs,
# the lab programs, then the tests.
FIRST_PROGS := $(B)/user/init $(B)/user/sh $(B)/user/ls $(B)/user/cat $(B)/user/echo
FS_PROGS := $(FIRST_PROGS) $(filter-out $(FIRST_PROGS),$(USER_PROGS)) \
	$(LAB_PROGS) $(TEST_PROGS)
FS_FILES := user/README $(B)/largefile $(B)/smallfile $(B)/testfile $(FS_PROGS)
# Every file of the disk's root directory needs a name of its own.
FS_CLASHES := $(sort $(foreach n,$(notdir $(FS_PROGS)),\
	$(if $(filter-out 1,$(words $(filter %/$(n),$(FS_PROGS)))),$(n))))
ifneq ($(SHADOWED),)
$(info osv-rv: a course's program replaces osv-rv's own $(SHADOWED) on the disk)
endif
# A course's program named as a builtin of osv-rv's shell that osv's lacks
# (exit, cd, kill: osv's has quit only) runs in its place when typed, as
# it did on osv (user/sh.c looks for the program in /).
COURSE_BUILTINS := $(basename $(notdir $(filter $(addprefix %/,$(addsuffix .c,exit cd kill)),\
	$(COURSE_SRCS))))
ifneq ($(COURSE_BUILTINS),)
$(info osv-rv: a course's program replaces the shell's builtin $(COURSE_BUILTINS) at the prompt)
endif
ifneq ($(NESTED_SRCS),)
$(info osv-rv: not built, being below a folder of user/: $(NESTED_SRCS))
endif
ifneq ($(COURSE_KEPT),)
$(error osv-rv: $(COURSE_KEPT): osv-rv keeps its own $(KEPT_NAMES) \
	(osv's commands, and make test's free): rename it)
endif
ifneq ($(FS_CLASHES),)
$(error osv-rv: more than one program is named $(FS_CLASHES) on the disk \
	(user/, user/*/ and test/ share the root directory): rename one)
endif

# `make` leaves qemu-test's FIFO pair too (docs/console.md), so a grader
# that builds first and then starts `make qemu-test` may open the pair at
# once: before make had made them, its open for writing made a plain file
# (which qemu-test then replaced, so the grader's lines went nowhere and
# the boot waited for input) and its open for reading failed. Two makes
# at once may both make them, so one that finds the FIFO made is content;
# one that cannot make it says why (it failed without a word). A plain
# file in a FIFO's place (a grader's open before any make) is replaced.
# The qemu-test targets build `all` first, so they find the pair made
# (and make it themselves when the build fails).
MKFIFOS = for f in $(OSV_TEST).in $(OSV_TEST).out; do \
	  [ -p $$f ] || { rm -f $$f; mkfifo $$f 2>/dev/null; } || [ -p $$f ] || \
	  { echo "osv-rv: cannot make the FIFO $$f (OSV_TEST=$(OSV_TEST))" >&2; exit 1; }; done
all: $(B)/kernel.elf $(B)/fs.img $(B)/fs-tests.img $(B)/host/ring
	@$(MKFIFOS)

# ------------------------------------------------------------ toolchain
# Each tool is looked for when a target first needs it, and a missing one
# is named and installed from Debian (with sudo when not root): building
# needs the cross compiler, the host's C compiler (mkfs) and Python (the
# disk's largefile, and the test runner), booting QEMU and OpenSBI, and
# debugging gdb-multiarch, so a build never waits on gdb.
# $(call need,WHAT,CHECK,PACKAGES): installs PACKAGES unless CHECK succeeds.
need = if ! ( $(2) ) >/dev/null 2>&1; then \
	  echo "osv-rv: $(1) not found: installing $(3)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; \
	  elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; \
	  else echo "osv-rv: please run as root: apt-get install -y --no-install-recommends $(3)"; exit 1; fi; \
	  $$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y --no-install-recommends $(3) || { \
	    echo "osv-rv: could not install $(1); run: sudo apt-get install -y --no-install-recommends $(3)"; exit 1; }; \
	fi
$(B)/.deps:
	@mkdir -p $(B)
	@$(call need,the RISC-V compiler $(CC),command -v $(CC),gcc-riscv64-unknown-elf)
	@$(call need,the host C compiler $(HOSTCC),command -v $(HOSTCC) && test -f /usr/include/stdio.h,gcc libc6-dev)
	@$(call need,$(PYTHON),command -v $(PYTHON),python3)
	@touch $@
$(B)/.qemu-deps:
	@mkdir -p $(B)
	@$(call need,$(QEMU),command -v $(QEMU),qemu-system-misc)
	@$(call need,OpenSBI ($(OPENSBI)),test -f $(OPENSBI),opensbi)
	@touch $@
$(B)/.gdb-deps:
	@mkdir -p $(B)
	@$(call need,gdb-multiarch,command -v gdb-multiarch,gdb-multiarch)
	@touch $@
deps: $(B)/.deps $(B)/.qemu-deps $(B)/.gdb-deps

# The machine: CPUS harts (1 to the kernel's NCPU, read from config.h only
# when check-machine runs) and MEM of RAM (at least
# MIN_MEM_MIB: OpenSBI alone takes about 36 MiB). Checked before QEMU runs,
# so a typo is a message rather than a hang or a panic.
MAX_CPUS = $(shell sed -n 's/^\#define NCPU \([0-9]*\).*/\1/p' include/kernel/config.h)
MIN_MEM_MIB := 40
MEM_MIB = $(shell echo '$(MEM)' | awk '/^[0-9]+[Mm]?$$/ { print $$0 + 0; next } \
	/^[0-9]+[Gg]$$/ { print ($$0 + 0) * 1024; next } { print -1 }')
check-machine:
	@case "$(CPUS)" in ''|*[!0-9]*) ok=no;; *) [ "$(CPUS)" -ge 1 ] && [ "$(CPUS)" -le $(MAX_CPUS) ] && ok=yes || ok=no;; esac; \
	  [ $$ok = yes ] || { echo "osv-rv: CPUS=$(CPUS): the kernel runs 1 to $(MAX_CPUS) harts" >&2; exit 1; }
	@[ "$(MEM_MIB)" -ge $(MIN_MEM_MIB) ] || { \
	  echo "osv-rv: MEM=$(MEM): the machine needs at least $(MIN_MEM_MIB)M (OpenSBI takes about 36M; sizes are like 256M or 1G)" >&2; exit 1; }

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
# course sees at once which of its files needs attention. Lab programs
# are rebuilt when this Makefile changes, since what they mean depends on
# OSV_CFLAGS (-fsigned-char), not only on their sources.
define OSV_COMPILE
$(B)/$(1)%.o: $(1)%.c Makefile | $(B)/.deps
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
# mkfs is a host program of its own files (mkfs/*.c), each compiled on
# its own (so compile_commands.json names each) into $(B)/host/.
MKFS_OBJS := $(patsubst mkfs/%.c,$(B)/host/mkfs/%.o,$(sort $(wildcard mkfs/*.c)))
$(B)/host/mkfs/%.o: mkfs/%.c | $(B)/.deps
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) -MMD -MP -c $< -o $@
$(B)/mkfs: $(MKFS_OBJS)
	$(HOSTCC) -o $@ $^
# The host's own cross-core hand-off (test/host/ring.c): make bench runs it
# before it boots, to show what bench_shm's transfer costs the host natively.
$(B)/host/ring: test/host/ring.c | $(B)/.deps
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) -pthread -MMD -MP $< -o $@
$(B)/largefile: | $(B)/.deps
	@mkdir -p $(B)
	$(PY_RUN) -c "import sys; sys.stdout.write('a' * 20480)" > $@
$(B)/smallfile:
	@mkdir -p $(B)
	printf 'aaaaaaaaaabbbbbbbbbbccccc\n' > $@
$(B)/testfile:
	@mkdir -p $(B)
	printf 'abcdef\n' > $@
# The list of files is a prerequisite too (rewritten only when it
# changes), so a deleted program leaves the image at the next build. mkfs
# writes a new file and renames it over the old: a machine still running on
# build/fs.img keeps its disk. The image keeps what the machine wrote until
# the next rebuild; `make reset-disk` makes a fresh one. mkfs reads the
# files from the list, so that make echoes a short command rather than
# the disk's every file (some 4 KB on one line, twice at each rebuild:
# test/build_output.py). The list is written to a file of this make's own
# and renamed, as mkfs writes an image, so a make started beside another
# (make test while make qemu rebuilds) never reads it half written
# (test/mkfs_parallel.py).
$(B)/fs.list: FORCE
	@mkdir -p $(B)
	@echo '$(FS_FILES)' | cmp -s - $@ || \
	  { echo '$(FS_FILES)' > $@.$$$$ && mv $@.$$$$ $@; }
# fs-tests.img is the same disk for the tests (test/machine.py's
# test_image): no machine boots on it, so what was done at make qemu's
# prompt (a file removed, the disk filled) never changes what a test
# finds; the tests boot on copies. One rule, each image made on its own.
$(B)/fs.img $(B)/fs-tests.img: $(B)/mkfs $(FS_FILES) $(B)/fs.list
	$(B)/mkfs $@ $$(cat $(B)/fs.list)
reset-disk: $(B)/mkfs $(FS_FILES) $(B)/fs.list
	$(B)/mkfs $(B)/fs.img $$(cat $(B)/fs.list)

# ---------------------------------------------------------------- qemu
# FSIMG= is the disk the machine boots on (the host tests point it at a
# copy, so they never touch build/fs.img), OSV_TEST= the FIFO pair of
# qemu-test without .in/.out.
# BOOTARGS= is the kernel's command line (/chosen/bootargs): `mem=5M` caps
# the frames it hands out, `panic=boot` makes it panic once the disk is up,
# to see (and test) what a panic looks like; `panic=stack` overflows a
# kernel stack and `panic=wild` loads from past the end of RAM, to see
# (and test) how the kernel catches those; `panic=lockorder` takes two
# locks out of order, which the DEBUG=1 kernel panics on.
# MACHINE= is QEMU's board: virt with aclint=on, whose ACLINT SSWI device
# lets the kernel send inter-hart interrupts with one store instead of a
# firmware call (include/kernel/ipi.h); MACHINE=virt boots the board
# without it, on the SBI path.
# QEMU_CPU= is the harts' model: QEMU 7.2's rv64 has Sstc, so the kernel
# sets its timer by writing stimecmp; QEMU_CPU=rv64,sstc=off takes that
# away, and the kernel sets it through SBI (include/kernel/trap.h).
FSIMG ?= $(B)/fs.img
OSV_TEST ?= $(B)/osv-test
BOOTARGS ?=
MACHINE ?= virt,aclint=on
QEMU_CPU ?= rv64
QEMUOPTS = -machine $(MACHINE) -cpu $(QEMU_CPU) -bios $(OPENSBI) -kernel $(B)/kernel.elf \
	-m $(MEM) -smp $(CPUS) -nographic \
	$(if $(strip $(BOOTARGS)),-append "$(strip $(BOOTARGS))") \
	-global virtio-mmio.force-legacy=false \
	-drive file=$(FSIMG),if=none,format=raw,id=x0 \
	-device virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0

# The qemu targets run QEMU under test/qemu.py (exec'd, so make's child),
# which relays the input to it: make exits as soon as QEMU does, even with a
# driver's pipe still open on stdin; QEMU dies with make, however make is
# killed; the input gets a NUL first (QEMU hands the UART the first input
# byte at reset and OpenSBI's UART setup drops it; the console ignores NUL)
# and is never dropped, however fast it comes (the console stops reading
# the UART while its buffer is full, and QEMU then stops reading the pipe).
# See docs/console.md.
qemu: all check-machine | $(B)/.qemu-deps
	@exec $(PY_RUN) test/qemu.py stdio $(FSIMG) -- $(QEMU) $(QEMUOPTS)

# osv's grader targets: the console on $(OSV_TEST).in (to the machine) and
# $(OSV_TEST).out (from it), made by `all` (MKFIFOS); no monitor; a reset
# powers off. A grader opens both, types lines ending in "\n" (before boot
# is fine) and reads the output until QEMU exits after `quit`. Rather than
# QEMU's -serial pipe:, test/qemu.py opens the FIFOs (read-write, as QEMU
# would) and gives QEMU the console on its stdio, through the NUL relay.
#
# The low-memory machine stands in for osv's 4 MB one. OpenSBI needs about
# 36 MiB of RAM (fw_jump moves the device tree to 34 MiB), so QEMU gets
# LOW_MEM_RAM, and the kernel's mem= boot argument caps the frames its
# allocator may ever hand out at LOW_MEM: 5 MiB are 1280 frames, of which
# the kernel, init and the shell take about 210, leaving about 1070
# (~4.2 MiB) free at the shell's prompt, about what osv's 4 MB machine
# leaves its programs (docs/console.md). The cap is a hard bound on
# everything the kernel allocates.
LOW_MEM ?= 5M
LOW_MEM_RAM ?= 40M
#
# A grader waits in its open of the pair until the machine's side opens
# it, so a qemu-test that cannot start a machine (a lab program that does
# not compile, a bad CPUS= or MEM=) left it waiting for ever. So these
# targets build with a make of their own (MEM= is the target's, for
# check-machine), and when that fails, test/qemu.py fail opens the pair,
# writes a line saying so into $(OSV_TEST).out and ends it, and make fails.
QEMU_TEST_BUILD = $(MAKE) --no-print-directory all check-machine $(B)/.qemu-deps MEM=$(MEM) || { \
	$(MKFIFOS); $(PY_RUN) test/qemu.py fail $(OSV_TEST) \
	  "osv-rv: make $@ failed, no machine started (make's output says why)"; exit 1; }
QEMU_TEST = exec $(PY_RUN) test/qemu.py fifo $(OSV_TEST) $(FSIMG) -- $(QEMU) $(QEMUOPTS) \
	-serial stdio -monitor none -no-reboot

qemu-test:
	@$(QEMU_TEST_BUILD)
	@$(QEMU_TEST)

qemu-test-low-mem: MEM = $(LOW_MEM_RAM)
qemu-test-low-mem: BOOTARGS += mem=$(LOW_MEM)
qemu-test-low-mem:
	@$(QEMU_TEST_BUILD)
	@$(QEMU_TEST)

# gdb: QEMU's gdb server listens on 127.0.0.1:$(GDBPORT) only (not on
# other machines' reach); `make gdb` (same GDBPORT) attaches to it, and
# first checks that something listens there, so that without a waiting
# QEMU it says what to run rather than failing to connect. The check only
# connects and closes, which leaves a waiting QEMU as it was. QEMU runs
# under test/qemu.py, as for make qemu: run by make itself, it ran on after
# a SIGKILL to make, holding the disk image and the port, and the next
# make qemu failed ('Failed to get "write" lock'). docs/gdb.md.
qemu-gdb: all check-machine | $(B)/.qemu-deps
	@echo "*** QEMU waits for gdb on 127.0.0.1:$(GDBPORT): run 'make gdb$(if $(filter-out 1234,$(GDBPORT)), GDBPORT=$(GDBPORT))' in another terminal"
	@exec $(PY_RUN) test/qemu.py stdio $(FSIMG) -- $(QEMU) $(QEMUOPTS) -S -gdb tcp:127.0.0.1:$(GDBPORT)

gdb: $(B)/kernel.elf | $(B)/.gdb-deps
	@$(PY_RUN) -c 'import socket; socket.create_connection(("127.0.0.1", $(GDBPORT)), 2).close()' \
	  2>/dev/null || { echo "osv-rv: no QEMU waits for gdb on 127.0.0.1:$(GDBPORT): run 'make qemu-gdb$(if $(filter-out 1234,$(GDBPORT)), GDBPORT=$(GDBPORT))' in another terminal first" >&2; exit 1; }
	gdb-multiarch -q -nx -iex 'set $$osv_port = $(GDBPORT)' \
	  -iex 'set $$osv_kernel = "$(B)/kernel.elf"' -x .gdbinit

# QEMU's command line, for test/run.py, which boots its machines with the
# Makefile's options (it gives B=, FSIMG= and CPUS= of its own).
qemu-cmdline:
	$(info $(QEMU) $(QEMUOPTS))
	@:

# The kernel the tests marked `debug` boot (the same one under DEBUG=1).
debug-kernel:
	$(MAKE) DEBUG=1 B=$(DEBUG_B) $(DEBUG_B)/kernel.elf

# J= machines at once (test/run.py --jobs; default 2 on 2 or more cores).
# The format is checked again only when a formatted file changed.
RUN_TESTS = $(PY_RUN) test/run.py --build $(B) --debug-build $(DEBUG_B) --cpus $(CPUS) \
	$(if $(J),--jobs $(J))
test: all debug-kernel check-machine $(B)/.formatted | $(B)/.qemu-deps $(B)/.gdb-deps
	$(RUN_TESTS) $(T)

# For an autograder: $(B)/results.json in Gradescope's format, one point a
# test. make fails only if the runner could not run (status 2), not when a
# test fails: the scores say that.
grade: all debug-kernel check-machine | $(B)/.qemu-deps $(B)/.gdb-deps
	$(RUN_TESTS) --gradescope $(B)/results.json $(T) || [ $$? -eq 1 ]

# A panic's backtrace with file:line: `make symbolize < console.log`, or
# LOG=file. QEMU exits 1 after a PANIC, so `make qemu` fails too.
symbolize:
	@$(PY_RUN) test/symbolize.py $(B)/kernel.elf $(LOG)

bench: all check-machine | $(B)/.qemu-deps
	$(PY_RUN) test/run.py --build $(B) --cpus $(CPUS) --bench

# The system-call fuzzer for SECONDS, a new seed each run (printed) or SEED=.
fuzz: all check-machine | $(B)/.qemu-deps
	$(PY_RUN) test/run.py --build $(B) --cpus $(CPUS) --fuzz $(or $(SECONDS),60) \
	    $(if $(SEED),--seed $(SEED)) $(if $(WORKERS),--workers $(WORKERS))

# Needs no machine: it reads the JSON the last two `make bench` runs wrote.
bench-compare:
	@$(PY_RUN) test/benchmarks.py $(B)/bench.prev.json $(B)/bench.json

# ------------------------------------------------------------- editors
# compile_commands.json (for clangd; .clangd adapts gcc's flags to clang):
# the compiler commands of a full build, from `make -n -B`, so it is the
# same on a built tree and always carries the Makefile's flags.
compile_commands.json: FORCE
	@$(MAKE) -s -n -B --no-print-directory all > $@.cmds && \
	  $(PY_RUN) test/compile_commands.py < $@.cmds > $@.tmp && mv $@.tmp $@; \
	  rc=$$?; rm -f $@.cmds $@.tmp; [ $$rc = 0 ] && echo "osv-rv: wrote $@"; exit $$rc

# clangd --check on every source file and header: none may have an error.
check-clangd: compile_commands.json | $(B)/.clangd-deps
	@$(PY_RUN) test/check_clangd.py compile_commands.json
$(B)/.clangd-deps:
	@mkdir -p $(B)
	@$(call need,clangd,command -v clangd,clangd)
	@touch $@

# The directories whose .clang-format turns formatting on.
FORMATTED_DIRS := kernel/sync kernel/trap
FORMATTED_FILES := $(wildcard $(addsuffix /*.[ch],$(FORMATTED_DIRS)))
# $(call check_format,THEN): checks the format, and runs THEN if it is right.
check_format = if ! command -v clang-format >/dev/null 2>&1; then \
	  echo "osv-rv: clang-format not found: skipping check-format (apt-get install clang-format)"; \
	else clang-format --dry-run -Werror $(FORMATTED_FILES) && \
	  echo "check-format: $(FORMATTED_DIRS) formatted" && $(1); fi
check-format:
	@$(call check_format,:)
# What make test checks: touched once the format was right (not when
# clang-format is missing), so it is checked again only after a change.
$(B)/.formatted: $(FORMATTED_FILES) .clang-format $(addsuffix /.clang-format,$(FORMATTED_DIRS)) | $(B)/.deps
	@$(call check_format,touch $@)

clean:
	rm -rf build build-debug $(B) $(DEBUG_B) compile_commands.json

FORCE:
.PHONY: all deps check-machine reset-disk FORCE qemu qemu-test qemu-test-low-mem qemu-gdb gdb qemu-cmdline debug-kernel test grade bench bench-compare fuzz symbolize check-clangd check-format clean
.SECONDARY:
.DELETE_ON_ERROR:

# The compiler's dependency files (-MMD -MP), so a changed header rebuilds
# what includes it. Each included file is also a target make tries to
# remake first, searching every pattern rule for one: for some 260 files
# that search was two thirds of a make's CPU (0.2 s against 0.09 s for
# `make -n all`, and make test starts some 45 makes). The compiler writes
# them, nothing makes them, so they get an empty rule and make searches
# nothing; what they say is read as before.
DEP_FILES := $(call rwildcard,$(B),%.d)
$(DEP_FILES): ;
-include $(DEP_FILES)
