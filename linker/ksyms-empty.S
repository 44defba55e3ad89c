/* The empty symbol table of the first kernel link (see the Makefile). */
    .section .ksyms, "a"
    .balign 8
    .globl ksyms_count
ksyms_count: .quad 0
    .globl ksyms_addrs
ksyms_addrs: .quad 0
    .globl ksyms_names
ksyms_names: .byte 0
