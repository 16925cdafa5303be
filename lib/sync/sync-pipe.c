/*
 * The sender thread: while it compresses, writes, sends and settles one
 * batch, the reader makes the next.  At most two batches are in memory
 * (the one being made and the one being sent), so memory stays bounded by
 * the batch.
 *
 * The sender owns, while it is busy, everything of struct cg_sync that a
 * batch's settling touches: the cursor, the outbox buffer, zlib, the HTTP
 * handle, the result lines, status and the counters.  The reader touches
 * them only when the sender is idle (after cg_sync_pipe_idle()), and reads
 * s->stop, which is atomic.
 */

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "sync/sync-batch.h"

struct cg_sync_pipe {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int threaded;		/* the thread runs */
	int busy;		/* job handed over, not yet done */
	int quit;
	struct batch_job job;
	int ret;		/* of the last job */
	struct cg_err err;	/* when ret < 0 */
	struct cg_sync *s;
};

static void job_clear(struct batch_job *job)
{
	cg_buf_reset(&job->body);
	json_decref(job->before);
	json_decref(job->after);
	job->before = job->after = NULL;
	job->nrec = 0;
}

/* Send the job and keep its result for the reader. */
static void run_job(struct cg_sync_pipe *p)
{
	struct cg_err err = CG_ERR_INIT;
	int ret = cg_sync_send_job(p->s, &p->job, &err);

	job_clear(&p->job);
	pthread_mutex_lock(&p->mu);
	if (ret < 0 && p->ret == 0) {
		p->ret = ret;
		p->err = err;
	}
	p->busy = 0;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static void *sender(void *arg)
{
	struct cg_sync_pipe *p = arg;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->busy && !p->quit)
			pthread_cond_wait(&p->cv, &p->mu);
		if (!p->busy)
			break;
		pthread_mutex_unlock(&p->mu);
		run_job(p);
		pthread_mutex_lock(&p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* The pipe of s, made (and its thread started) on first use; NULL when
 * out of memory. */
static struct cg_sync_pipe *pipe_get(struct cg_sync *s)
{
	struct cg_sync_pipe *p = s->pipe;

	if (p)
		return p;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->s = s;
	cg_buf_init(&p->job.body, BATCH_MAX);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	/* Without a thread the batch is sent where it is sealed, as
	 * before: slower, never wrong. */
	p->threaded = pthread_create(&p->thread, NULL, sender, p) == 0;
	s->pipe = p;
	return p;
}

/* Wait for the sender to be idle; its last error into *err. */
static int wait_idle(struct cg_sync_pipe *p, struct cg_err *err)
{
	int ret;

	pthread_mutex_lock(&p->mu);
	while (p->busy)
		pthread_cond_wait(&p->cv, &p->mu);
	ret = p->ret;
	if (ret < 0 && err)
		*err = p->err;
	p->ret = 0;
	pthread_mutex_unlock(&p->mu);
	return ret;
}

struct batch_job *cg_sync_pipe_idle(struct cg_sync *s, struct cg_err *err)
{
	struct cg_sync_pipe *p = pipe_get(s);

	if (!p) {
		cg_err_set(err, CG_EXIT_SYSTEM, _("out of memory"));
		return NULL;
	}
	return wait_idle(p, err) < 0 ? NULL : &p->job;
}

int cg_sync_pipe_start(struct cg_sync *s, struct cg_err *err)
{
	struct cg_sync_pipe *p = s->pipe;

	if (!p->threaded) {
		p->busy = 1;
		run_job(p);
		return wait_idle(p, err);
	}
	pthread_mutex_lock(&p->mu);
	p->busy = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return 0;
}

int cg_sync_pipe_drain(struct cg_sync *s, struct cg_err *err)
{
	int ret = s->pipe ? wait_idle(s->pipe, err) : 0;

	if (s->cursor_dirty && s->use_outbox) {
		if (cg_sync_save_cursor(s, ret < 0 ? NULL : err) < 0)
			ret = -1;
		else
			s->cursor_dirty = 0;
	}
	/* Only once the cursor is past it: until then the acknowledged
	 * outbox is what says where the cursor stands. */
	if (ret == 0 && !s->cursor_dirty && s->outbox_acked) {
		if (cg_sync_remove_outbox(s, err) < 0)
			ret = -1;
		s->outbox_acked = 0;
	}
	return ret;
}

void cg_sync_pipe_release(struct cg_sync *s)
{
	struct cg_sync_pipe *p = s->pipe;

	if (!p)
		return;
	if (p->threaded) {
		pthread_mutex_lock(&p->mu);
		p->quit = 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->thread, NULL);
	}
	job_clear(&p->job);
	cg_buf_release(&p->job.body);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
	s->pipe = NULL;
}
