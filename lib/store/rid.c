/* Record ids: making and reading them (see rid.h). */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "store/rid.h"

int cg_rid_format(char *out, size_t size, const char *compound, const char *stream,
		  const char *day, uint64_t seq)
{
	int n;

	if (day && *day)
		n = snprintf(out, size, "%s/%s/%s/%llu", compound, stream, day,
			     (unsigned long long)seq);
	else
		n = snprintf(out, size, "%s/%s/%llu", compound, stream,
			     (unsigned long long)seq);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int cg_rid_string(const struct cg_rid *rid, char *out, size_t size)
{
	return cg_rid_format(out, size, rid->compound, rid->stream, rid->day, rid->seq);
}

/* A seq: decimal digits, no sign, no leading zero, from 1. */
static int parse_seq(const char *s, size_t len, uint64_t *seq)
{
	char buf[24], *end;
	unsigned long long v;

	if (!len || len >= sizeof(buf) || *s == '0')
		return -1;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (errno || *end)
		return -1;
	*seq = v;
	return 0;
}

static int parse_day(const char *s, size_t len, char day[CG_DATE_LEN])
{
	int y, m, d;

	if (len != CG_DATE_LEN - 1)
		return -1;
	memcpy(day, s, len);
	day[len] = '\0';
	return cg_date_parse(day, &y, &m, &d);
}

/* The last '/' of s before end, or NULL. */
static const char *last_slash(const char *s, const char *end)
{
	while (end > s)
		if (*--end == '/')
			return end;
	return NULL;
}

int cg_rid_parse(const char *s, struct cg_rid *rid, const char **why)
{
	const char *end = s + strlen(s), *a, *b, *c;
	size_t n;

	memset(rid, 0, sizeof(*rid));
	*why = _("not COMPOUND/checkin/DATE/SEQ, COMPOUND/pass/SEQ or COMPOUND/quarantine/SEQ");
	if (!(a = last_slash(s, end)) || !(b = last_slash(s, a)))
		return -1;
	if (parse_seq(a + 1, (size_t)(end - a - 1), &rid->seq) < 0) {
		*why = _("the sequence number is not a whole number from 1");
		return -1;
	}
	n = (size_t)(a - b - 1);
	if (n == 10 && (c = last_slash(s, b)) && (size_t)(b - c - 1) == 7 &&
	    !strncmp(c + 1, "checkin", 7)) {
		if (parse_day(b + 1, n, rid->day) < 0) {
			*why = _("the day is not a date YYYY-MM-DD");
			return -1;
		}
		snprintf(rid->stream, sizeof(rid->stream), "checkin");
		b = c;
	} else if ((n == 4 && !strncmp(b + 1, "pass", 4)) ||
		   (n == 10 && !strncmp(b + 1, "quarantine", 10))) {
		memcpy(rid->stream, b + 1, n);
		rid->stream[n] = '\0';
	} else {
		return -1;
	}
	n = (size_t)(b - s);
	if (!n || n >= sizeof(rid->compound)) {
		*why = _("no compound code");
		return -1;
	}
	memcpy(rid->compound, s, n);
	rid->compound[n] = '\0';
	return 0;
}

/* "DATE/SEQ" or "SEQ" of a check-in. */
static int parse_short(const char *s, const char *today, struct cg_rid *rid)
{
	const char *slash = strchr(s, '/');

	if (!slash) {
		snprintf(rid->day, sizeof(rid->day), "%s", today);
		return parse_seq(s, strlen(s), &rid->seq);
	}
	if (parse_day(s, (size_t)(slash - s), rid->day) < 0)
		return -1;
	return parse_seq(slash + 1, strlen(slash + 1), &rid->seq);
}

int cg_rid_resolve(const char *s, const char *compound, const char *stream,
		   const char *today, struct cg_rid *rid, const char **why)
{
	if (!strchr(s, '/') || (!strcmp(stream, "checkin") && strchr(s, '/') == strrchr(s, '/'))) {
		memset(rid, 0, sizeof(*rid));
		if (parse_short(s, today, rid) < 0) {
			*why = _("not SEQ, DATE/SEQ or a record id");
			return -1;
		}
		snprintf(rid->compound, sizeof(rid->compound), "%s", compound);
		snprintf(rid->stream, sizeof(rid->stream), "%s", stream);
		if (strcmp(stream, "checkin"))
			rid->day[0] = '\0';
		return 0;
	}
	if (cg_rid_parse(s, rid, why) < 0)
		return -1;
	if (strcmp(rid->compound, compound)) {
		*why = _("a record of another compound");
		return -1;
	}
	if (strcmp(rid->stream, stream)) {
		*why = _("not a record of this journal");
		return -1;
	}
	return 0;
}
