#!/bin/sh
# Turns `nm` output of the first kernel link into the symbol table PANIC
# uses to name the functions of a backtrace: ksyms_addrs (sorted addresses)
# and ksyms_names (one NUL-terminated name each, in the same order).
# usage: ksyms.sh NM kernel.pass1 > ksyms.S
NM=$1
ELF=$2
$NM -n --defined-only "$ELF" | awk '
BEGIN { n = 0 }
$2 ~ /^[tTwW]$/ { addr[n] = $1; name[n] = $3; n++ }
END {
    print "    .section .ksyms, \"a\""
    print "    .balign 8"
    print "    .globl ksyms_count"
    print "ksyms_count: .quad " n
    print "    .globl ksyms_addrs"
    print "ksyms_addrs:"
    for (i = 0; i < n; i++) print "    .quad 0x" addr[i]
    print "    .globl ksyms_names"
    print "ksyms_names:"
    for (i = 0; i < n; i++) print "    .asciz \"" name[i] "\""
}'
