/*
 * shm_prodcons: a producer and a consumer process passing messages through
 * a ring of slots in a named shared region, with semaphores from
 * <lib/sync.h> for the hand-off. It is the complete example of
 * docs/shm.md (keep the two identical) and a test: every message must
 * arrive once, in order, intact, and the region must be gone at the end.
 */
#include <lib/shm.h>
#include <lib/stdio.h>
#include <lib/string.h>
#include <lib/sync.h>
#include <lib/test.h>
#include <lib/usyscall.h>

#define SLOTS 8                 /* messages the ring holds at once */
#define MESSAGES 1000           /* messages to send */

struct message {
    int seq;                    /* 1, 2, 3, ... */
    char text[60];
};

/* Everything the two processes share: it lives at the start of the region. */
struct ring {
    sem_t free_slots;           /* slots the producer may fill */
    sem_t full_slots;           /* slots the consumer may empty */
    struct message slot[SLOTS];
};

static void make_text(char *text, int seq)
{
    strcpy(text, "message ");
    char digits[12];
    int n = 0;
    do {
        digits[n++] = (char)('0' + seq % 10);
        seq /= 10;
    } while (seq);
    int len = strlen(text);
    while (n)
        text[len++] = digits[--n];
    text[len] = '\0';
}

/* The consumer: finds the region by name, takes MESSAGES messages. */
static int consumer(void)
{
    struct ring *ring;
    int err = shm_map("ring", (void **)&ring, SHM_READ | SHM_WRITE);
    if (err != ERR_OK)
        error("consumer: shm_map = %d", err);
    char want[60];
    for (int seq = 1; seq <= MESSAGES; seq++) {
        sem_wait(&ring->full_slots);            /* wait for a message */
        struct message *m = &ring->slot[seq % SLOTS];
        make_text(want, seq);
        if (m->seq != seq || strcmp(m->text, want) != 0)
            error("consumer: got #%d \"%s\", expected #%d", m->seq, m->text, seq);
        sem_post(&ring->free_slots);            /* the slot may be reused */
    }
    shm_unmap("ring", ring);
    return 0;
}

int main(void)
{
    /* The producer creates the region. RS_NOINHERIT: the consumer below is
     * a fork child, but it must map the region by name like any process. */
    int err = shm_create("ring", sizeof(struct ring), RS_NOINHERIT);
    if (err != ERR_OK)
        error("shm_create = %d", err);
    struct ring *ring;
    err = shm_map("ring", (void **)&ring, SHM_READ | SHM_WRITE);
    if (err != ERR_OK)
        error("shm_map = %d", err);
    sem_init(&ring->free_slots, SLOTS);         /* before anyone else uses them */
    sem_init(&ring->full_slots, 0);

    int pid = fork();
    if (pid < 0)
        error("fork = %d", pid);
    if (pid == 0)
        exit(consumer());

    for (int seq = 1; seq <= MESSAGES; seq++) {
        sem_wait(&ring->free_slots);            /* wait for room */
        struct message *m = &ring->slot[seq % SLOTS];
        m->seq = seq;
        make_text(m->text, seq);
        sem_post(&ring->full_slots);            /* hand it over */
    }

    int status;
    if (wait(pid, &status) != pid || status != 0)
        error("consumer failed (status %d)", status);
    shm_unmap("ring", ring);
    err = shm_destroy("ring");
    if (err != ERR_OK)
        error("shm_destroy = %d", err);
    pass("shm_prodcons: %d messages through %d slots", MESSAGES, SLOTS);
    return 0;
}
