# gdb-multiarch setup for osv-rv: `make qemu-gdb` in one terminal, then
# `make gdb` (or gdb-multiarch -x .gdbinit) in another.
#
# The kernel's symbols are loaded from build/kernel.elf. User programs are
# linked at fixed addresses (0x10000, linker/user.ld), so to step through
# one, add its symbols too, e.g.:
#     add-symbol-file build/user/sh
#     break main
# Breakpoints on user code fire in whichever process runs that address;
# `print ((struct cpu *)$tp)->thread->proc->name` says which one, when
# the hart is in the kernel.
set confirm off
set pagination off
set architecture riscv:rv64
file build/kernel.elf
target remote localhost:1234

# kstack: where the current hart's kernel stack is.
define whoami
  printf "hart %d, thread %s\n", ((struct cpu *)$tp)->hartid, ((struct cpu *)$tp)->thread ? ((struct cpu *)$tp)->thread->name : "(scheduler)"
end
document whoami
Prints the hart and the thread running on it (valid while the hart is in the kernel).
end

# A kernel panic stops here before the machine powers off.
break panic_common
echo osv-rv: connected. `continue` to boot; a PANIC stops at panic_common.\n
