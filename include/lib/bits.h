/*
 * osv's bit helpers, get_state_bit and set_state_bit, on a bitmap: an
 * array of bytes in which element i's state is bit i % 8 of byte i / 8
 * (least significant bit first, as the disk's free-block bitmap). On this
 * little-endian machine that is also bit i % 64 of 64-bit word i / 64, so
 * any array type may hold the bitmap. The caller keeps i within it.
 *
 * osv's own definitions were not available to osv-rv; these give the
 * plain bitmap meaning the names suggest (true = set).
 */
#ifndef _LIB_BITS_H_
#define _LIB_BITS_H_

#include <arch/types.h>
#include <kernel/types.h>

/* The state of element i: 1 if its bit is set, else 0. */
static inline bool get_state_bit(const void *bitmap, size_t i)
{
    return (((const uint8_t *)bitmap)[i / 8] >> (i % 8)) & 1;
}

/* Sets element i's bit when state is nonzero, clears it when zero. */
static inline void set_state_bit(void *bitmap, size_t i, bool state)
{
    uint8_t *byte = (uint8_t *)bitmap + i / 8;
    uint8_t mask = (uint8_t)(1u << (i % 8));
    *byte = state ? (uint8_t)(*byte | mask) : (uint8_t)(*byte & ~mask);
}

#endif /* _LIB_BITS_H_ */
