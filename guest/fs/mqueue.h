/* SPDX-License-Identifier: MIT */
/*
 * POSIX message queues inside the file system: the queue (mqueue.c: its
 * names, descriptors, attributes and notification) and its messages
 * (mq_msg.c: sending and receiving).
 */
#ifndef FS_MQUEUE_H
#define FS_MQUEUE_H

#include <kernel/types.h>
#include <kernel/waitq.h>

struct file;
struct inode;

/* mq_getattr's struct mq_attr. */
struct mq_attr {
	s64 flags, maxmsg, msgsize, curmsgs;
	s64 reserved[4];
};

struct mq_msg {
	struct mq_msg *next;
	u32 prio;
	u64 len;
	u8 data[];
};

struct mqueue {
	struct mqueue *next; /* in the namespace, while it has a name */
	char name[256];
	u32 refs; /* the name's and each open file's */
	/* Its owner, group and mode, which mq_open and mq_unlink check; fstat shows them. */
	struct inode *ino;
	s64 maxmsg, msgsize, curmsgs;
	u64 bytes;	     /* in the messages queued */
	struct mq_msg *msgs; /* highest priority first, then oldest first */
	u32 receivers_waiting;
	struct wait_queue pollers;
	/* mq_notify's registration: the process (0: none) and its sigevent. */
	int notify_pid;
	int notify, notify_signo;
	u64 notify_value;
};

/* The queue behind fd and its file (one reference), or NULL if fd is not one. */
struct mqueue *mq_get(u64 fd, struct file **fp);
/* Wakes sleepers and pollers after a change. */
void mq_changed(struct mqueue *mq);
/* A message reached the empty queue: the registered process, if any, is told. */
void mq_notify_arrival(struct mqueue *mq);

#endif
