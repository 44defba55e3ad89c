/*
 * malloc and free on top of sbrk (lib/malloc.h): K&R's first-fit free
 * list. Free blocks form a circular list in address order, so free() can
 * merge a block with the free neighbours just before and after it.
 * Every block starts with a 16-byte header and is a whole number of
 * 16-byte units, which keeps every returned pointer 16-byte aligned.
 *
 * A block is cut from the head of a free one, so what is left of the
 * heap's last free block stays next to the break, and the heap's next
 * growth merges with it. (K&R's cut from the tail left a sliver at the
 * start of each growth: malloc(4000) used a whole 4096-byte page and left
 * a 5-unit block behind, which every later search walked, so n such
 * calls took time growing as n squared: a course's malloc-until-NULL
 * loop on a 256 MiB machine never ended.)
 */
#include <lib/malloc.h>
#include <lib/usyscall.h>

#define MIN_GROW 4096               /* bytes asked of sbrk at least */

typedef union header {
    struct {
        union header *next;         /* next free block, by address (free blocks only) */
        size_t units;               /* size of this block in headers, header included */
    } s;
    char align[16];
} header_t;

static header_t base;               /* a zero-size block anchoring the list */
static header_t *freep;             /* where the last search stopped */

/* K&R's free: walks from freep to the place b belongs in address order,
 * then merges with the neighbours that touch it. */
void free(void *ptr)
{
    if (ptr == NULL)
        return;
    header_t *b = (header_t *)ptr - 1;
    header_t *p = freep;

    /* Find p with p < b < p->next, or b past either end of the list. */
    while (!(b > p && b < p->s.next)) {
        if (p >= p->s.next && (b > p || b < p->s.next))
            break;
        p = p->s.next;
    }
    if (b + b->s.units == p->s.next) {  /* merge with the block after */
        b->s.units += p->s.next->s.units;
        b->s.next = p->s.next->s.next;
    } else {
        b->s.next = p->s.next;
    }
    if (p + p->s.units == b) {          /* merge with the block before */
        p->s.units += b->s.units;
        p->s.next = b->s.next;
    } else {
        p->s.next = b;
    }
    freep = p;
}

/* Grows the heap by at least units headers and frees the new space into the list. */
static header_t *morecore(size_t units)
{
    if (units < MIN_GROW / sizeof(header_t))
        units = MIN_GROW / sizeof(header_t);
    if (units > 0x7fffffff / sizeof(header_t))
        return NULL;                    /* sbrk takes an int */
    char *p = sbrk(units * sizeof(header_t));
    if (p == (char *)ERR_NOMEM)
        return NULL;
    uintptr_t misalign = (uintptr_t)p % sizeof(header_t);
    if (misalign) {                     /* the first break may not be aligned */
        if (sbrk(sizeof(header_t) - misalign) == (void *)ERR_NOMEM)
            return NULL;
        p += sizeof(header_t) - misalign;
    }
    header_t *h = (header_t *)p;
    h->s.units = units;
    free(h + 1);
    return freep;
}

/* First fit from where the last search stopped (freep), so repeated calls
 * do not rescan the blocks at the start; the list is made on first use. */
void *malloc(size_t size)
{
    if (size > 0x7fffffff)
        return NULL;
    size_t units = (size + sizeof(header_t) - 1) / sizeof(header_t) + 1;
    if (freep == NULL) {
        base.s.next = freep = &base;
        base.s.units = 0;
    }
    header_t *prev = freep;
    for (header_t *p = prev->s.next;; prev = p, p = p->s.next) {
        if (p->s.units >= units) {
            if (p->s.units == units) {  /* exact fit: unlink it */
                prev->s.next = p->s.next;
            } else {                    /* hand out the head end */
                header_t *rest = p + units;
                rest->s.units = p->s.units - units;
                rest->s.next = p->s.next;
                prev->s.next = rest;
                p->s.units = units;
            }
            freep = prev;
            return p + 1;
        }
        if (p == freep && (p = morecore(units)) == NULL)
            return NULL;
    }
}
