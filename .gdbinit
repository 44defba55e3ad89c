# gdb-multiarch setup for osv-rv: `make qemu-gdb` in one terminal, then
# `make gdb` in another (from the top of the tree: paths here are relative
# to it). docs/gdb.md is the guide.
#
# The kernel's symbols come from build/kernel.elf ($osv_kernel when set:
# `make gdb DEBUG=1` sets it to build-debug's), the port is 1234 ($osv_port
# when set: `make gdb GDBPORT=n`). The commands below are Python, in
# test/gdb/ (osv_commands.py lists them); each works stopped in the
# kernel or in user code:
#
#     whoami                 the hart, its mode, its thread and process
#     ptwalk ADDR [ROOT]     the Sv39 walk of ADDR: each level's PTE, flags
#     pfstop [NAME]          stop at the next user page fault (of processes
#                            named NAME only) and print it decoded (pfinfo)
#     pfinfo                 at such a stop: cause, address, pc, process,
#                            and the memregion covering the address
#     pfbt                   at such a stop: the user backtrace from the
#                            faulting pc
#     usym NAME              user program NAME's symbols, in place of the
#                            last user program's
#     ubreak NAME LOCATION   a breakpoint in NAME's code that stops only in
#                            processes named NAME
set confirm off
set pagination off
set architecture riscv:rv64
# Bare metal, not Linux (gdb-multiarch's default). It matters: with the
# GNU/Linux ABI gdb steps by planting a breakpoint on the next instruction
# and running the stepping hart alone, which can wait forever for a lock a
# stopped hart holds; without it, gdb asks QEMU to step one instruction
# (with interrupts held off), which cannot.
set osabi none
if $_isvoid($osv_kernel)
  file build/kernel.elf
else
  eval "file %s", $osv_kernel
end
if $_isvoid($osv_port)
  set $osv_port = 1234
end
eval "target remote 127.0.0.1:%d", $osv_port

python
import os, sys
sys.path.insert(0, os.path.abspath(os.path.join("test", "gdb")))
import osv_commands
end

# A kernel panic stops here before the machine powers off.
break panic_common
echo osv-rv: connected. `continue` to boot; a PANIC stops at panic_common.\n
