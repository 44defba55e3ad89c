/*
 * Lineage: who descends from whom, at any depth, for RS_FAMILY shared
 * regions (shm.h), whose family is their creator and its descendants.
 *
 * Every process gets a node when it starts, linked to its parent's node
 * (init's has none above it). A node outlives its process while it is
 * still needed: while a node below links to it, or while it is pinned.
 * The process pins its own node until it exits; a region whose family it
 * names pins it until the region goes. Family membership is a walk up the
 * links: exact however deep, and whoever exited in between.
 *
 * The walk stays short: when a node loses its last pin, its link up skips
 * the ancestors that have none left (no process is them and no region
 * names them, and none ever can again), and those nobody links to any
 * more are freed. Each node also counts the live processes at or below
 * it, so a region can tell when its family is gone.
 *
 * Locking: one spinlock for every node (LOCK_LINEAGE, synch.h), taken
 * inside the shm table's lock; it frees nodes (kmalloc) while held, and
 * nothing here sleeps. A node is used only through a pin: by its own
 * process, or by the region that pinned it.
 */
#ifndef _KERNEL_LINEAGE_H_
#define _KERNEL_LINEAGE_H_

#include <kernel/types.h>

struct lineage;

/* Once at boot, before init's node is made. */
void lineage_init(void);
/* A node for a process being started below the one whose node is parent
 * (NULL for init), pinned by it and counted as a live member of every
 * family above. NULL if there is no memory. */
struct lineage *lineage_new(struct lineage *parent);
/* The process of node n exits: it is no longer a live member of any
 * family, and it drops its pin (n must not be used by it afterwards). */
void lineage_exit(struct lineage *n);
/* Pins n for a region whose family it names; returns n. */
struct lineage *lineage_pin(struct lineage *n);
/* The region goes: drops its pin, which may free n and ancestors nobody
 * needs any more. */
void lineage_unpin(struct lineage *n);
/* Links from n up to ancestor (0 if n is ancestor), or -1 if n does not
 * descend from ancestor. Not generations: ancestors with no pin left are
 * skipped (above), so the count only orders ancestors, nearer first,
 * which is what shm's nearest family needs. */
int lineage_distance(struct lineage *n, struct lineage *ancestor);
/* True while a live process is at or below n. */
bool lineage_has_members(struct lineage *n);

#endif /* _KERNEL_LINEAGE_H_ */
