// SPDX-License-Identifier: MIT
/*
 * Wait queues: singly linked lists of waiters. They are short (the pollers
 * of one object), so removal walks the list.
 */
#include <kernel/waitq.h>

void waitq_add(struct wait_queue *wq, struct waiter *w)
{
	w->next = wq->head;
	wq->head = w;
}

void waitq_del(struct wait_queue *wq, struct waiter *w)
{
	for (struct waiter **pp = &wq->head; *pp; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			w->next = NULL;
			return;
		}
	}
}

void waitq_wake(struct wait_queue *wq)
{
	struct waiter *w, *next;

	/* next first: a wake function may not unlink, but keep it safe if it does. */
	for (w = wq->head; w; w = next) {
		next = w->next;
		w->wake(w);
	}
}
