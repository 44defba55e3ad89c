/*
 * Intrusive doubly-linked lists (the shape of osv's kernel list): a
 * struct list_node lives inside each element, a struct list is a sentinel
 * node, and list_entry gets from a node back to its element. Every
 * operation is O(1) but iteration, so a set that must shrink one element
 * at a time (children of a process, sleepers on a channel) costs no scan.
 *
 * Locking: none; the lock of whatever owns the list guards it and every
 * node on it.
 */
#ifndef _KERNEL_LIST_H_
#define _KERNEL_LIST_H_

#include <kernel/types.h>
#include <lib/stddef.h>

struct list_node {
    struct list_node *prev, *next;
};

struct list {
    struct list_node head;     /* head.next is the first element, head.prev the last */
};

/* An empty list: the sentinel points at itself, so no operation needs a
 * NULL check. */
static inline void list_init(struct list *l)
{
    l->head.prev = l->head.next = &l->head;
}

/* True if l has no element. */
static inline bool list_empty(const struct list *l)
{
    return l->head.next == &l->head;
}

/* Adds n at the end of l. */
static inline void list_append(struct list *l, struct list_node *n)
{
    n->prev = l->head.prev;
    n->next = &l->head;
    l->head.prev->next = n;
    l->head.prev = n;
}

/* Adds n at the front of l: a list used as a stack (pmem's free frames,
 * a cache's partial slabs) pushes here and takes list_first. */
static inline void list_prepend(struct list *l, struct list_node *n)
{
    n->prev = &l->head;
    n->next = l->head.next;
    l->head.next->prev = n;
    l->head.next = n;
}

/* Takes n off whatever list it is on. */
static inline void list_remove(struct list_node *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->prev = n->next = NULL;
}

/* Iteration: for (n = list_begin(l); n != list_end(l); n = n->next). A
 * loop that removes n reads n->next first. */
static inline struct list_node *list_begin(struct list *l)
{
    return l->head.next;
}

/* The sentinel, past the last element: compared against, never an element. */
static inline struct list_node *list_end(struct list *l)
{
    return &l->head;
}

/* The element of type `type` whose `member` is the node n. */
#define list_entry(n, type, member) retrieve_struct(n, type, member)

/* The first element of l (of type `type`, linked by `member`), or NULL if
 * l is empty. */
#define list_first(l, type, member) \
    (list_empty(l) ? NULL : list_entry(list_begin(l), type, member))

#endif /* _KERNEL_LIST_H_ */
