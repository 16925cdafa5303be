#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/exitcode.h"
#include "core/i18n.h"
#include "core/mask.h"

static const char *progname = "cg";
static int quiet;

void cg_set_quiet(int q)
{
	quiet = q;
}

void cg_set_progname(const char *name)
{
	progname = name;
}

const char *cg_progname(void)
{
	return progname;
}

static int err_vset(struct cg_err *err, int status, const char *fmt, va_list ap)
{
	if (!err)
		return -1;
	err->status = status;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	return -1;
}

int cg_err_set(struct cg_err *err, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(err, status, fmt, ap);
	va_end(ap);
	return -1;
}

int cg_err_errno(struct cg_err *err, int status, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	err_vset(err, status, fmt, ap);
	va_end(ap);
	if (err) {
		len = strlen(err->msg);
		snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", strerror(errnum));
	}
	return -1;
}

/*
 * Format into small, or into the heap when it does not fit (NULL when out
 * of memory: small then holds the message cut short), with personal data
 * masked (cg_mask_message): every message leaves through here, whatever
 * field a person typed a number into.
 */
static char *vformat(char *small, size_t size, const char *fmt, va_list ap)
{
	char *msg = small;
	va_list aq;
	int len;

	va_copy(aq, ap);
	len = vsnprintf(small, size, fmt, aq);
	va_end(aq);
	if (len >= (int)size && (msg = malloc((size_t)len + 1)))
		vsnprintf(msg, (size_t)len + 1, fmt, ap);
	if (!msg)
		msg = small;
	cg_mask_message(msg, msg, strlen(msg) + 1);
	return msg;
}

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	char small[1024], *msg = vformat(small, sizeof(small), fmt, ap);

	fprintf(stderr, "%s: %s%s\n", progname, prefix, msg);
	if (msg != small)
		free(msg);
}

void cg_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
	exit(status);
}

int cg_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
	return -1;
}

void cg_warning(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vreport(_("warning: "), fmt, ap);
	va_end(ap);
}

void cg_die_err(const struct cg_err *err)
{
	if (err->status == CG_EXIT_PIPE)
		exit(CG_EXIT_OK);
	cg_die(err->status ? err->status : CG_EXIT_SYSTEM, "%s", err->msg);
}

void cg_notify(const struct cg_notifier *n, enum cg_msg_kind kind, const char *fmt, ...)
{
	char small[1024], *msg;
	va_list ap;

	if (!n || !n->fn)
		return;
	/* A trace line can be a long header: said whole, not cut. */
	va_start(ap, fmt);
	msg = vformat(small, sizeof(small), fmt, ap);
	va_end(ap);
	n->fn(n->ctx, kind, msg);
	if (msg != small)
		free(msg);
}

void cg_notify_stderr(void *ctx, enum cg_msg_kind kind, const char *msg)
{
	(void)ctx;
	switch (kind) {
	case CG_MSG_ERROR:
		cg_error("%s", msg);
		break;
	case CG_MSG_WARNING:
		cg_warning("%s", msg);
		break;
	case CG_MSG_TRACE:
		fputs(msg, stderr);
		break;
	case CG_MSG_PROGRESS:
		/* Back to the start of the line and clear it. */
		fputs("\r\033[K", stderr);
		fputs(msg, stderr);
		fflush(stderr);
		break;
	}
}
