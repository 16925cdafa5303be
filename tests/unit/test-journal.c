#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "core/exitcode.h"
#include "core/home.h"
#include "store/journal.h"
#include "scratch.h"
#include "unit.h"

static void spew(const char *path, const char *data, size_t len, const char *mode)
{
	FILE *fp = fopen(path, mode);

	if (!fp || fwrite(data, 1, len, fp) != len || fclose(fp) == EOF)
		printf("# cannot write %s\n", path);
}

static long size_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Line n (from 1) of text, without its newline; NULL when there is none. */
static const char *line_n(const char *text, int n, size_t *len)
{
	const char *p = text, *nl;

	for (;;) {
		nl = strchr(p, '\n');
		if (!nl)
			return NULL;
		if (--n == 0) {
			*len = (size_t)(nl - p);
			return p;
		}
		p = nl + 1;
	}
}

static int count_lines(const char *text)
{
	int n = 0;

	for (const char *p = text; (p = strchr(p, '\n')); p++)
		n++;
	return n;
}

/*
 * 1 when the line ends with ,"seq":SEQ,"chain":"<64 lowercase hex>"}
 * (or starts {"seq":SEQ,... for an empty record); the chain is copied out.
 */
static int has_tail(const char *line, size_t len, int seq, char chain[65])
{
	char want[64];
	size_t n = (size_t)snprintf(want, sizeof(want), "\"seq\":%d,\"chain\":\"", seq);

	if (len < n + 66 || memcmp(line + len - 66 - n, want, n) ||
	    memcmp(line + len - 2, "\"}", 2))
		return 0;
	if (line[len - 67 - n] != ',' && line[len - 67 - n] != '{')
		return 0;
	for (size_t i = len - 66; i < len - 2; i++)
		if (!((line[i] >= '0' && line[i] <= '9') || (line[i] >= 'a' && line[i] <= 'f')))
			return 0;
	if (chain) {
		memcpy(chain, line + len - 66, 64);
		chain[64] = '\0';
	}
	return 1;
}

/* ---- fixtures ---- */

struct fx {
	struct cg_err err;
	struct cg_home h;
	struct cg_journal j;
};

static int fx_open(struct fx *x, const char *stream)
{
	memset(x, 0, sizeof(*x));
	tmp_make();
	if (cg_home_open(&x->h, at("home"), &x->err) < 0 ||
	    cg_journal_open(&x->j, &x->h, stream, &x->err) < 0) {
		printf("# open: %s\n", x->err.msg);
		return -1;
	}
	return 0;
}

static void fx_close(struct fx *x)
{
	cg_journal_release(&x->j);
	cg_home_release(&x->h);
	tmp_remove();
}

/* Queue {"event":EVENT,"n":N}. */
static int add(struct cg_journal *j, const char *event, int n, struct cg_err *err)
{
	json_t *rec = json_pack("{s:s, s:i}", "event", event, "n", n);
	int ret = cg_journal_add(j, rec, err);

	json_decref(rec);
	return ret;
}

/* Queue records n = from..to and commit them. */
static int add_commit(struct cg_journal *j, int from, int to, struct cg_err *err)
{
	for (int n = from; n <= to; n++)
		if (add(j, "issue", n, err) < 0)
			return -1;
	return cg_journal_commit(j, err);
}

/* Verify a stream; returns the status and fills *jr's counters. */
static int verify(const struct cg_home *h, const char *stream, const char *day,
		  struct cg_journal_reader *jr, struct cg_err *err)
{
	int st;

	memset(err, 0, sizeof(*err));
	if (cg_journal_reader_open_stream(jr, h, stream, day, err) < 0)
		return -1;
	st = cg_journal_verify(jr, err);
	cg_journal_reader_release(jr);
	return st;
}

static void sha256_hex(const char *a, size_t alen, const char *b, size_t blen,
		       char out[65])
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)a, alen);
	crypto_hash_sha256_update(&st, (const unsigned char *)b, blen);
	crypto_hash_sha256_update(&st, (const unsigned char *)"}", 1);
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

#define PASS "home/journal/pass.jsonl"

/* ---- appending ---- */

TEST(commit_three_records)
{
	struct fx x;
	char chain[65], want[256];
	const char *line;
	size_t len;
	char *file;

	if (fx_open(&x, "pass") < 0) {
		CHECK(0);
		return;
	}
	CHECK_INT(add(&x.j, "issue", 1, &x.err), 0);
	CHECK_INT(add(&x.j, "issue", 2, &x.err), 0);
	CHECK_INT(add(&x.j, "revoke", 3, &x.err), 0);
	CHECK_INT(x.j.npending, 3);
	CHECK(cg_journal_pending_bytes(&x.j) > 0);
	CHECK_INT(cg_journal_commit(&x.j, &x.err), 0);

	CHECK_INT(count_lines(x.j.committed.buf), 3);
	for (int i = 1; i <= 3; i++) {
		line = line_n(x.j.committed.buf, i, &len);
		CHECK(line != NULL);
		if (!line)
			continue;
		CHECK(has_tail(line, len, i, chain));
		snprintf(want, sizeof(want), "{\"event\":\"%s\",\"n\":%d,\"seq\":%d,\"chain\":\"",
			 i == 3 ? "revoke" : "issue", i, i);
		CHECK(!strncmp(line, want, strlen(want)));
	}
	CHECK_INT(x.j.npending, 0);
	CHECK_INT(cg_journal_pending_bytes(&x.j), 0);
	CHECK_INT(x.j.seq, 3);
	CHECK_STR(x.j.chain, chain);

	file = slurp(at(PASS), NULL);
	CHECK_STR(file, x.j.committed.buf);
	free(file);

	/* Files 0600 in a 0700 directory. */
	{
		struct stat st;

		CHECK(stat(at(PASS), &st) == 0 && (st.st_mode & 0777) == 0600);
		CHECK(stat(at("home/journal"), &st) == 0 && (st.st_mode & 0777) == 0700);
	}

	/* Nothing queued: nothing written, committed empty. */
	CHECK_INT(cg_journal_commit(&x.j, &x.err), 0);
	CHECK_INT(x.j.committed.len, 0);
	CHECK_INT(count_lines(file = slurp(at(PASS), NULL)), 3);
	free(file);
	fx_close(&x);
}

TEST(chain_is_sha256_of_previous_and_line)
{
	struct fx x;
	char chain1[65], chain2[65], want[65], zeros[65];
	const char *line, *cut;
	size_t len;

	if (fx_open(&x, "pass") < 0 || add_commit(&x.j, 1, 2, &x.err) < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	memset(zeros, '0', 64);
	zeros[64] = '\0';

	line = line_n(x.j.committed.buf, 1, &len);
	CHECK(line && has_tail(line, len, 1, chain1));
	cut = line ? strstr(line, ",\"chain\"") : NULL;
	CHECK(cut != NULL);
	if (cut) {
		sha256_hex(zeros, 64, line, (size_t)(cut - line), want);
		CHECK_STR(chain1, want);
	}

	line = line_n(x.j.committed.buf, 2, &len);
	CHECK(line && has_tail(line, len, 2, chain2));
	cut = line ? strstr(line, ",\"chain\"") : NULL;
	CHECK(cut != NULL);
	if (cut) {
		sha256_hex(chain1, 64, line, (size_t)(cut - line), want);
		CHECK_STR(chain2, want);
	}
	fx_close(&x);
}

TEST(second_writer_continues)
{
	struct fx x;
	struct cg_journal j2;
	struct cg_journal_reader jr;
	char chain[65];
	const char *line;
	size_t len;
	char *file;

	if (fx_open(&x, "pass") < 0) {
		CHECK(0);
		return;
	}
	/* Both open before either writes, as two processes would be. */
	CHECK_INT(cg_journal_open(&j2, &x.h, "pass", &x.err), 0);
	CHECK_INT(add_commit(&x.j, 1, 3, &x.err), 0);

	CHECK_INT(add_commit(&j2, 4, 4, &x.err), 0);
	line = line_n(j2.committed.buf, 1, &len);
	CHECK(line && has_tail(line, len, 4, chain));
	CHECK_INT(j2.seq, 4);

	/* The first one sees the other's line before appending. */
	CHECK_INT(add_commit(&x.j, 5, 6, &x.err), 0);
	line = line_n(x.j.committed.buf, 1, &len);
	CHECK(line && has_tail(line, len, 5, NULL));
	line = line_n(x.j.committed.buf, 2, &len);
	CHECK(line && has_tail(line, len, 6, chain));

	/* And the other way round once more. */
	CHECK_INT(add_commit(&j2, 7, 7, &x.err), 0);
	line = line_n(j2.committed.buf, 1, &len);
	CHECK(line && has_tail(line, len, 7, chain));

	file = slurp(at(PASS), NULL);
	CHECK_INT(count_lines(file), 7);
	free(file);
	CHECK_INT(verify(&x.h, "pass", NULL, &jr, &x.err), 0);
	CHECK_INT(jr.seq, 7);
	CHECK_STR(jr.chain, chain);
	CHECK_INT(jr.torn, 0);
	cg_journal_release(&j2);
	fx_close(&x);
}

/* ---- reading and verifying ---- */

TEST(reader_verifies)
{
	struct fx x;
	struct cg_journal_reader jr;
	char chain[65];
	const char *line;
	json_t *rec;
	size_t len;
	int n = 0, st;

	if (fx_open(&x, "pass") < 0 || add_commit(&x.j, 1, 3, &x.err) < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	line = line_n(x.j.committed.buf, 3, &len);
	CHECK(line && has_tail(line, len, 3, chain));

	CHECK_INT(verify(&x.h, "pass", NULL, &jr, &x.err), 0);
	CHECK_INT(jr.missing, 0);
	CHECK_INT(jr.torn, 0);
	CHECK_INT(jr.seq, 3);
	CHECK_STR(jr.chain, chain);

	/* Record by record: the parsed lines, in order, with the raw text. */
	CHECK_INT(cg_journal_reader_open_stream(&jr, &x.h, "pass", NULL, &x.err), 0);
	while ((st = cg_journal_reader_next(&jr, &rec, &x.err)) > 0) {
		n++;
		CHECK_INT(json_integer_value(json_object_get(rec, "n")), n);
		CHECK_INT(json_integer_value(json_object_get(rec, "seq")), n);
		CHECK_INT(jr.seq, n);
		line = line_n(x.j.committed.buf, n, &len);
		CHECK(line && jr.len == len && !memcmp(jr.line, line, len));
		json_decref(rec);
	}
	CHECK_INT(st, 0);
	CHECK_INT(n, 3);
	cg_journal_reader_release(&jr);

	/* A stream never written reads as empty. */
	CHECK_INT(verify(&x.h, "quarantine", NULL, &jr, &x.err), 0);
	CHECK_INT(jr.missing, 1);
	CHECK_INT(jr.seq, 0);
	fx_close(&x);
}

TEST(edited_byte_is_damage)
{
	struct fx x;
	struct cg_journal_reader jr;
	char *file, *p;
	size_t len;

	if (fx_open(&x, "pass") < 0 || add_commit(&x.j, 1, 3, &x.err) < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	file = slurp(at(PASS), &len);
	/* "n":2 -> "n":8 in line 2: still valid JSON, same length. */
	p = strstr(file, "\"n\":2,");
	CHECK(p != NULL);
	if (p) {
		p[4] = '8';
		spew(at(PASS), file, len, "wb");
	}
	free(file);

	CHECK_INT(verify(&x.h, "pass", NULL, &jr, &x.err), -1);
	CHECK_INT(x.err.status, CG_EXIT_DAMAGED);
	CHECK(strstr(x.err.msg, "journal/pass.jsonl:2: journal damaged") != NULL);
	CHECK(strstr(x.err.msg, "chain") != NULL);
	CHECK_INT(jr.seq, 1);
	fx_close(&x);
}

/*
 * Lines are hashed two at a time where the second is already read: an
 * edit of any one line, first or second of a pair, in its body or its
 * chain, is found at that line, with the lines before it read.  Enough
 * lines (of varied length) that some pairs are cut by the end of a read.
 */
TEST(each_edited_line_found)
{
	struct fx x;
	struct cg_journal_reader jr;
	char *file, *copy;
	size_t len;
	int n = 900, bad = 0;

	if (fx_open(&x, "pass") < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	for (int i = 1; i <= n; i++) {
		json_t *rec = json_pack("{s:s, s:i, s:s#}", "event", "issue", "n", i, "pad",
					"................................................................................................................................................................................................................................................................", (int)(i * 37 % 250));

		if (cg_journal_add(&x.j, rec, &x.err) < 0)
			bad++;
		json_decref(rec);
	}
	CHECK_INT(cg_journal_commit(&x.j, &x.err), 0);
	file = slurp(at(PASS), &len);
	CHECK(file != NULL && len > 2 * 65536);	/* more than one read */
	copy = malloc(len);
	CHECK(copy != NULL);
	for (int k = 1; file && copy && k <= n; k += k < 20 ? 1 : 13) {
		for (int in_chain = 0; in_chain < 2; in_chain++) {
			size_t llen = 0;
			const char *line = line_n(file, k, &llen);
			char want[64];
			size_t off = (size_t)(line - file) + (in_chain ? llen - 5 : 2);

			memcpy(copy, file, len);
			/* A letter for a letter, a digit for a digit: the line
			 * stays JSON and stays a journal line. */
			copy[off] = copy[off] == 'a' ? 'b' : copy[off] == 'v' ? 'w' :
				    copy[off] >= '0' && copy[off] <= '8' ? copy[off] + 1 :
				    copy[off] == '9' ? '0' : copy[off] == 'f' ? 'e' : 'a';
			spew(at(PASS), copy, len, "wb");
			snprintf(want, sizeof(want), "journal/pass.jsonl:%d: journal damaged", k);
			if (verify(&x.h, "pass", NULL, &jr, &x.err) != -1 ||
			    !strstr(x.err.msg, want) || !strstr(x.err.msg, "chain") ||
			    jr.seq != (uint64_t)(k - 1)) {
				if (!bad++)
					printf("# line %d (%s) edited: %s, seq %llu\n", k,
					       in_chain ? "chain" : "body", x.err.msg,
					       (unsigned long long)jr.seq);
			}
		}
	}
	CHECK_INT(bad, 0);
	spew(at(PASS), file, len, "wb");
	CHECK_INT(verify(&x.h, "pass", NULL, &jr, &x.err), 0);
	CHECK_INT(jr.seq, n);
	free(copy);
	free(file);
	fx_close(&x);
}

TEST(deleted_line_is_damage)
{
	struct fx x;
	struct cg_journal_reader jr;
	const char *l2, *l3;
	char *file;
	size_t len, len2, len3;

	if (fx_open(&x, "pass") < 0 || add_commit(&x.j, 1, 3, &x.err) < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	file = slurp(at(PASS), &len);
	l2 = line_n(file, 2, &len2);
	l3 = line_n(file, 3, &len3);
	CHECK(l2 && l3);
	if (l2 && l3) {
		/* Drop line 2 whole. */
		memmove((char *)l2, l3, len3 + 1);
		spew(at(PASS), file, len - len2 - 1, "wb");
	}
	free(file);
	file = slurp(at(PASS), NULL);
	CHECK_INT(count_lines(file), 2);
	free(file);

	CHECK_INT(verify(&x.h, "pass", NULL, &jr, &x.err), -1);
	CHECK_INT(x.err.status, CG_EXIT_DAMAGED);
	CHECK(strstr(x.err.msg, ":2: journal damaged") != NULL);
	CHECK(strstr(x.err.msg, "seq out of order") != NULL);
	fx_close(&x);
}

/* ---- torn tails ---- */

#define TORN "{\"event\":\"issue\",\"n\":99,\"se"

TEST(torn_tail_set_aside)
{
	struct fx x;
	struct cg_journal_reader jr;
	char before[4096];
	const char *line;
	char *file;
	size_t len;
	int n = 0, st;

	if (fx_open(&x, "pass") < 0 || add_commit(&x.j, 1, 3, &x.err) < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	snprintf(before, sizeof(before), "%s", x.j.committed.buf);
	spew(at(PASS), TORN, strlen(TORN), "ab");

	/* Readers skip it and count it. */
	CHECK_INT(cg_journal_reader_open_stream(&jr, &x.h, "pass", NULL, &x.err), 0);
	while ((st = cg_journal_reader_next(&jr, NULL, &x.err)) > 0)
		n++;
	CHECK_INT(st, 0);
	CHECK_INT(n, 3);
	CHECK_INT(jr.torn, 1);
	CHECK_INT(jr.seq, 3);
	cg_journal_reader_release(&jr);
	CHECK_INT(verify(&x.h, "pass", NULL, &jr, &x.err), 0);
	CHECK_INT(jr.torn, 1);
	CHECK_INT(jr.seq, 3);
	/* Reading does not move it. */
	CHECK(!exists(at(PASS ".torn")));

	/* The next append does. */
	CHECK_INT(x.j.notice[0], 0);
	CHECK_INT(add_commit(&x.j, 4, 4, &x.err), 0);
	line = line_n(x.j.committed.buf, 1, &len);
	CHECK(line && has_tail(line, len, 4, NULL));
	CHECK(strstr(x.j.notice, "torn") != NULL);
	CHECK(strstr(x.j.notice, "pass.jsonl.torn") != NULL);
	file = slurp(at(PASS ".torn"), NULL);
	CHECK_STR(file, TORN "\n");
	free(file);
	file = slurp(at(PASS), NULL);
	CHECK_INT(count_lines(file), 4);
	CHECK(!strncmp(file, before, strlen(before)));
	CHECK(strstr(file, "\"n\":99") == NULL);
	free(file);
	CHECK_INT(verify(&x.h, "pass", NULL, &jr, &x.err), 0);
	CHECK_INT(jr.torn, 0);
	CHECK_INT(jr.seq, 4);
	fx_close(&x);
}

TEST(torn_tail_seen_by_fresh_writer)
{
	struct fx x;
	struct cg_journal j2;
	struct cg_journal_reader jr;
	const char *line;
	char *file;
	size_t len;

	if (fx_open(&x, "pass") < 0 || add_commit(&x.j, 1, 2, &x.err) < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	spew(at(PASS), TORN, strlen(TORN), "ab");
	CHECK_INT(cg_journal_open(&j2, &x.h, "pass", &x.err), 0);
	CHECK_INT(add_commit(&j2, 3, 3, &x.err), 0);
	line = line_n(j2.committed.buf, 1, &len);
	CHECK(line && has_tail(line, len, 3, NULL));
	CHECK(j2.notice[0] != '\0');
	file = slurp(at(PASS ".torn"), NULL);
	CHECK_STR(file, TORN "\n");
	free(file);
	CHECK_INT(verify(&x.h, "pass", NULL, &jr, &x.err), 0);
	CHECK_INT(jr.seq, 3);
	CHECK_INT(jr.torn, 0);
	cg_journal_release(&j2);
	fx_close(&x);
}

TEST(torn_only_line)
{
	struct fx x;
	struct cg_journal_reader jr;
	const char *line;
	char *file;
	size_t len;

	if (fx_open(&x, "pass") < 0) {
		CHECK(0);
		return;
	}
	/* A crash during the very first append. */
	mkdir(at("home/journal"), 0700);
	spew(at(PASS), TORN, strlen(TORN), "wb");
	CHECK_INT(verify(&x.h, "pass", NULL, &jr, &x.err), 0);
	CHECK_INT(jr.torn, 1);
	CHECK_INT(jr.seq, 0);

	CHECK_INT(add_commit(&x.j, 1, 1, &x.err), 0);
	line = line_n(x.j.committed.buf, 1, &len);
	CHECK(line && has_tail(line, len, 1, NULL));
	file = slurp(at(PASS ".torn"), NULL);
	CHECK_STR(file, TORN "\n");
	free(file);
	file = slurp(at(PASS), NULL);
	CHECK_STR(file, x.j.committed.buf);
	free(file);
	CHECK_INT(verify(&x.h, "pass", NULL, &jr, &x.err), 0);
	CHECK_INT(jr.seq, 1);
	fx_close(&x);
}

/*
 * The last whole line is longer than the 64 KiB window settle_tail starts
 * with, and a torn tail follows it: the tail must be set aside once and the
 * append go on at the next seq.
 */
TEST(torn_tail_after_long_line)
{
	struct fx x;
	struct cg_journal_reader jr;
	const char *line;
	char *big, *file;
	size_t len;
	json_t *rec;

	if (fx_open(&x, "pass") < 0 || add_commit(&x.j, 1, 1, &x.err) < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	big = malloc(100001);
	if (!big)
		abort();
	memset(big, 'x', 100000);
	big[100000] = '\0';
	rec = json_pack("{s:s, s:s}", "event", "issue", "note", big);
	CHECK_INT(cg_journal_add(&x.j, rec, &x.err), 0);
	json_decref(rec);
	free(big);
	CHECK_INT(cg_journal_commit(&x.j, &x.err), 0);
	spew(at(PASS), TORN, strlen(TORN), "ab");

	memset(&x.err, 0, sizeof(x.err));
	CHECK_INT(add_commit(&x.j, 3, 3, &x.err), 0);
	if (x.err.msg[0])
		printf("# commit: %s\n", x.err.msg);
	line = line_n(x.j.committed.buf, 1, &len);
	CHECK(line && has_tail(line, len, 3, NULL));
	file = slurp(at(PASS ".torn"), NULL);
	CHECK_STR(file, TORN "\n");
	free(file);
	CHECK_INT(verify(&x.h, "pass", NULL, &jr, &x.err), 0);
	CHECK_INT(jr.torn, 0);
	CHECK_INT(jr.seq, 3);
	fx_close(&x);
}

TEST(damaged_last_line_refused)
{
	struct fx x;
	char *before, *after;
	size_t blen, alen;
	const char forged[] = "{\"event\":\"issue\",\"n\":3}\n";

	if (fx_open(&x, "pass") < 0 || add_commit(&x.j, 1, 2, &x.err) < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	spew(at(PASS), forged, strlen(forged), "ab");
	before = slurp(at(PASS), &blen);

	CHECK_INT(add(&x.j, "issue", 4, &x.err), 0);
	CHECK_INT(cg_journal_commit(&x.j, &x.err), -1);
	CHECK_INT(x.err.status, CG_EXIT_DAMAGED);
	CHECK(strstr(x.err.msg, "journal/pass.jsonl") != NULL);
	CHECK(strstr(x.err.msg, "damaged") != NULL);
	CHECK_INT(x.j.committed.len, 0);
	after = slurp(at(PASS), &alen);
	CHECK_INT(alen, blen);
	CHECK_STR(after, before);
	CHECK(!exists(at(PASS ".torn")));
	free(before);
	free(after);

	/* A second try is refused the same way. */
	memset(&x.err, 0, sizeof(x.err));
	CHECK_INT(cg_journal_commit(&x.j, &x.err), -1);
	CHECK_INT(x.err.status, CG_EXIT_DAMAGED);
	CHECK_INT(size_of(at(PASS)), (long)blen);
	fx_close(&x);
}

TEST(empty_record)
{
	struct fx x;
	struct cg_journal_reader jr;
	json_error_t jerr;
	json_t *obj, *rec = json_object();
	const char *line;
	size_t len;

	if (fx_open(&x, "pass") < 0) {
		CHECK(0);
		json_decref(rec);
		return;
	}
	CHECK_INT(cg_journal_add(&x.j, rec, &x.err), 0);
	CHECK_INT(cg_journal_add(&x.j, rec, &x.err), 0);
	json_decref(rec);
	CHECK_INT(cg_journal_commit(&x.j, &x.err), 0);
	CHECK(!strncmp(x.j.committed.buf, "{\"seq\":1,\"chain\":\"", 18));
	line = line_n(x.j.committed.buf, 2, &len);
	CHECK(line && !strncmp(line, "{\"seq\":2,\"chain\":\"", 18));
	CHECK(line && has_tail(line, len, 2, NULL));

	line = line_n(x.j.committed.buf, 1, &len);
	obj = line ? json_loadb(line, len, 0, &jerr) : NULL;
	if (!obj)
		printf("# json: %s\n", jerr.text);
	CHECK(json_is_object(obj));
	CHECK_INT(json_object_size(obj), 2);
	CHECK_INT(json_integer_value(json_object_get(obj, "seq")), 1);
	CHECK_INT(strlen(json_string_value(json_object_get(obj, "chain")) ?
			 json_string_value(json_object_get(obj, "chain")) : ""), 64);
	json_decref(obj);

	obj = json_loads(x.j.committed.buf + len + 1, JSON_DISABLE_EOF_CHECK, &jerr);
	CHECK(json_is_object(obj));
	json_decref(obj);
	CHECK_INT(verify(&x.h, "pass", NULL, &jr, &x.err), 0);
	CHECK_INT(jr.seq, 2);
	fx_close(&x);
}

/* The queue has a limit: past it a record is refused, not allocated, and
 * what was queued before stays whole. */
TEST(queue_has_a_limit)
{
	struct fx x;

	if (fx_open(&x, "pass") < 0) {
		CHECK(0);
		return;
	}
	CHECK_INT(x.j.pending.limit, CG_JOURNAL_MAX_PENDING);
	CHECK_INT(x.j.committed.limit, CG_JOURNAL_MAX_COMMIT);
	x.j.pending.limit = 40;
	CHECK_INT(add(&x.j, "issue", 1, &x.err), 0);
	CHECK_INT(add(&x.j, "issue", 2, &x.err), -1);
	CHECK(strstr(x.err.msg, "cannot queue a record for 'pass': more than") != NULL);
	CHECK_INT(x.j.npending, 1);
	CHECK_STR(x.j.pending.buf, "{\"event\":\"issue\",\"n\":1}\n");
	CHECK_INT(cg_journal_commit(&x.j, &x.err), 0);
	CHECK(!strncmp(x.j.committed.buf, "{\"event\":\"issue\",\"n\":1,\"seq\":1,", 31));
	fx_close(&x);
}

/* ---- daily journals ---- */

#define DAY1 "home/journal/checkin/2026-01-24.jsonl"
#define DAY2 "home/journal/checkin/2026-01-25.jsonl"

TEST(daily_compress_and_backfill)
{
	struct fx x;
	struct cg_journal_reader jr;
	const char *line;
	char *file;
	json_t *days;
	size_t len;

	if (fx_open(&x, "checkin") < 0) {
		CHECK(0);
		return;
	}
	CHECK_INT(x.j.daily, 1);
	/* No day chosen yet: refused. */
	CHECK_INT(add(&x.j, "in", 0, &x.err), 0);
	CHECK_INT(cg_journal_commit(&x.j, &x.err), -1);
	CHECK(strstr(x.err.msg, "no day") != NULL);

	CHECK_INT(cg_journal_set_day(&x.j, "2026-01-24", &x.err), 0);
	CHECK_INT(cg_journal_commit(&x.j, &x.err), 0);
	CHECK(exists(at(DAY1)));
	line = line_n(x.j.committed.buf, 1, &len);
	CHECK(line && has_tail(line, len, 1, NULL));

	CHECK_INT(cg_journal_set_day(&x.j, "2026-01-25", &x.err), 0);
	CHECK_INT(add(&x.j, "in", 1, &x.err), 0);
	CHECK_INT(add(&x.j, "out", 2, &x.err), 0);
	CHECK_INT(cg_journal_commit(&x.j, &x.err), 0);
	/* A new file starts its own seq and chain. */
	line = line_n(x.j.committed.buf, 1, &len);
	CHECK(line && has_tail(line, len, 1, NULL));
	CHECK(exists(at(DAY2)));

	CHECK_INT(cg_journal_tidy(&x.j, &x.err), 0);
	CHECK(exists(at(DAY1 ".gz")));
	CHECK(!exists(at(DAY1)));
	CHECK(exists(at(DAY2)));
	CHECK(!exists(at(DAY2 ".gz")));
	/* No temporary file left. */
	CHECK(!exists(at("home/journal/checkin/.2026-01-24.jsonl.gz.tmp")));
	{
		/* Really gzip. */
		size_t glen;
		char *gz = slurp(at(DAY1 ".gz"), &glen);

		CHECK(glen > 2 && (unsigned char)gz[0] == 0x1f && (unsigned char)gz[1] == 0x8b);
		free(gz);
	}

	CHECK_INT(verify(&x.h, "checkin", "2026-01-24", &jr, &x.err), 0);
	CHECK_INT(jr.missing, 0);
	CHECK_INT(jr.seq, 1);
	CHECK_INT(verify(&x.h, "checkin", "2026-01-25", &jr, &x.err), 0);
	CHECK_INT(jr.seq, 2);
	CHECK_INT(verify(&x.h, "checkin", "2026-01-23", &jr, &x.err), 0);
	CHECK_INT(jr.missing, 1);

	/* A back-fill into the compressed day. */
	CHECK_INT(cg_journal_set_day(&x.j, "2026-01-24", &x.err), 0);
	CHECK_INT(add(&x.j, "late", 3, &x.err), 0);
	CHECK_INT(cg_journal_commit(&x.j, &x.err), 0);
	line = line_n(x.j.committed.buf, 1, &len);
	CHECK(line && has_tail(line, len, 2, NULL));
	CHECK(exists(at(DAY1)));
	CHECK(!exists(at(DAY1 ".gz")));
	file = slurp(at(DAY1), NULL);
	CHECK_INT(count_lines(file), 2);
	CHECK(strstr(file, "\"late\"") != NULL);
	free(file);
	CHECK_INT(verify(&x.h, "checkin", "2026-01-24", &jr, &x.err), 0);
	CHECK_INT(jr.seq, 2);
	/* Day 2 was not touched. */
	CHECK_INT(verify(&x.h, "checkin", "2026-01-25", &jr, &x.err), 0);
	CHECK_INT(jr.seq, 2);

	/* The days, sorted, each once, whatever the files look like. */
	CHECK_INT(cg_journal_days(&x.h, &days, &x.err), 0);
	file = json_dumps(days, JSON_COMPACT);
	CHECK_STR(file, "[\"2026-01-24\",\"2026-01-25\"]");
	free(file);
	json_decref(days);
	spew(at("home/journal/checkin/2026-01-25.jsonl.gz"), "", 0, "wb");
	spew(at("home/journal/checkin/2026-01-23.jsonl.gz"), "", 0, "wb");
	spew(at("home/journal/checkin/2026-01-22.jsonl.torn"), "", 0, "wb");
	spew(at("home/journal/checkin/notes.jsonl"), "", 0, "wb");
	CHECK_INT(cg_journal_days(&x.h, &days, &x.err), 0);
	file = json_dumps(days, JSON_COMPACT);
	CHECK_STR(file, "[\"2026-01-23\",\"2026-01-24\",\"2026-01-25\"]");
	free(file);
	json_decref(days);
	fx_close(&x);
}

TEST(days_without_journal)
{
	struct fx x;
	json_t *days = NULL;

	if (fx_open(&x, "pass") < 0) {
		CHECK(0);
		return;
	}
	CHECK_INT(cg_journal_days(&x.h, &days, &x.err), 0);
	CHECK(json_is_array(days));
	CHECK_INT(json_array_size(days), 0);
	json_decref(days);
	fx_close(&x);
}

/* ---- folding ---- */

struct visits {
	int n[16];
	int count;
	int stop_at;	/* fail on this n, 0 never */
};

static int visit(void *ctx, const json_t *rec, struct cg_err *err)
{
	struct visits *v = ctx;
	int n = (int)json_integer_value(json_object_get(rec, "n"));

	if (v->count < 16)
		v->n[v->count] = n;
	v->count++;
	if (n != (int)json_integer_value(json_object_get(rec, "seq")))
		return cg_err_set(err, CG_EXIT_SYSTEM, "seq %d for n %d",
				  (int)json_integer_value(json_object_get(rec, "seq")), n);
	if (n == v->stop_at)
		return cg_err_set(err, CG_EXIT_REJECTED, "stop at %d", n);
	return 0;
}

TEST(fold_in_order_and_stops)
{
	struct fx x;
	struct visits v;

	if (fx_open(&x, "pass") < 0 || add_commit(&x.j, 1, 3, &x.err) < 0 ||
	    add_commit(&x.j, 4, 5, &x.err) < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	memset(&v, 0, sizeof(v));
	CHECK_INT(cg_journal_fold(&x.h, "pass", visit, &v, &x.err), 0);
	CHECK_INT(v.count, 5);
	for (int i = 0; i < 5; i++)
		CHECK_INT(v.n[i], i + 1);

	memset(&v, 0, sizeof(v));
	v.stop_at = 3;
	memset(&x.err, 0, sizeof(x.err));
	CHECK_INT(cg_journal_fold(&x.h, "pass", visit, &v, &x.err), -1);
	CHECK_INT(v.count, 3);
	CHECK_INT(x.err.status, CG_EXIT_REJECTED);
	CHECK_STR(x.err.msg, "stop at 3");

	/* An empty stream folds to nothing. */
	memset(&v, 0, sizeof(v));
	CHECK_INT(cg_journal_fold(&x.h, "quarantine", visit, &v, &x.err), 0);
	CHECK_INT(v.count, 0);
	fx_close(&x);
}

TEST(fold_stops_at_damage)
{
	struct fx x;
	struct visits v;
	char *file, *p;
	size_t len;

	if (fx_open(&x, "pass") < 0 || add_commit(&x.j, 1, 4, &x.err) < 0) {
		CHECK(0);
		fx_close(&x);
		return;
	}
	file = slurp(at(PASS), &len);
	p = strstr(file, "\"n\":3,");
	CHECK(p != NULL);
	if (p) {
		p[4] = '7';
		spew(at(PASS), file, len, "wb");
	}
	free(file);
	memset(&v, 0, sizeof(v));
	CHECK_INT(cg_journal_fold(&x.h, "pass", visit, &v, &x.err), -1);
	CHECK_INT(v.count, 2);
	CHECK_INT(x.err.status, CG_EXIT_DAMAGED);
	CHECK(strstr(x.err.msg, ":3: journal damaged") != NULL);
	fx_close(&x);
}

/* ---- deciding under the lock ---- */

TEST(fold_from_and_catch_up)
{
	struct fx x;
	struct cg_journal j2;
	struct cg_journal_pos pos, start;
	struct visits v;

	if (fx_open(&x, "pass") < 0 || cg_journal_open(&j2, &x.h, "pass", &x.err) < 0) {
		CHECK(0);
		return;
	}
	memset(&v, 0, sizeof(v));
	cg_journal_pos_init(&pos);
	start = pos;
	/* Nothing yet, then three lines read from the start. */
	CHECK_INT(cg_journal_fold_from(&x.h, "pass", &pos, visit, &v, &x.err), 0);
	CHECK_INT(v.count, 0);
	CHECK_INT(add_commit(&x.j, 1, 3, &x.err), 0);
	CHECK_INT(cg_journal_fold_from(&x.h, "pass", &pos, visit, &v, &x.err), 0);
	CHECK_INT(v.count, 3);
	CHECK_INT(pos.seq, 3);
	CHECK_INT(pos.end, size_of(at(PASS)));
	CHECK_STR(pos.chain, x.j.chain);

	/* Another writer appends; catching up reads only its lines, and
	 * keeps the lock: the other cannot append until the commit. */
	CHECK_INT(add_commit(&j2, 4, 5, &x.err), 0);
	CHECK_INT(cg_journal_catch_up(&x.j, &pos, visit, &v, &x.err), 0);
	CHECK_INT(v.count, 5);
	CHECK_INT(v.n[3], 4);
	CHECK_INT(v.n[4], 5);
	CHECK_INT(pos.seq, 5);
	CHECK(x.j.locked);
	CHECK_INT(flock(j2.lockfd, LOCK_EX | LOCK_NB), -1);
	/* Again while held: nothing to read. */
	CHECK_INT(cg_journal_catch_up(&x.j, &pos, visit, &v, &x.err), 0);
	CHECK_INT(v.count, 5);

	/* Our own commit lets go, and is not read back. */
	CHECK_INT(add_commit(&x.j, 6, 6, &x.err), 0);
	CHECK(!x.j.locked);
	CHECK_INT(flock(j2.lockfd, LOCK_EX | LOCK_NB), 0);
	flock(j2.lockfd, LOCK_UN);
	CHECK_INT(cg_journal_catch_up(&x.j, &pos, visit, &v, &x.err), 0);
	CHECK_INT(v.count, 5);
	CHECK_INT(pos.seq, 6);
	CHECK_INT(pos.end, size_of(at(PASS)));
	CHECK_STR(pos.chain, x.j.chain);
	cg_journal_unlock(&x.j);
	CHECK(!x.j.locked);

	/* Ours and then theirs: theirs only. */
	CHECK_INT(add(&x.j, "issue", 7, &x.err), 0);
	CHECK_INT(cg_journal_catch_up(&x.j, &pos, visit, &v, &x.err), 0);
	CHECK_INT(cg_journal_commit(&x.j, &x.err), 0);
	CHECK_INT(add_commit(&j2, 8, 8, &x.err), 0);
	CHECK_INT(cg_journal_catch_up(&x.j, &pos, visit, &v, &x.err), 0);
	CHECK_INT(v.count, 6);
	CHECK_INT(v.n[5], 8);
	CHECK_INT(pos.seq, 8);
	/* A commit of nothing lets go as well. */
	CHECK_INT(cg_journal_commit(&x.j, &x.err), 0);
	CHECK(!x.j.locked);

	/* A fold from the start sees all of it. */
	memset(&v, 0, sizeof(v));
	CHECK_INT(cg_journal_fold_from(&x.h, "pass", &start, visit, &v, &x.err), 0);
	CHECK_INT(v.count, 8);
	CHECK_INT(start.end, pos.end);

	/* A journal shorter than what was read from it is damage. */
	if (truncate(at(PASS), pos.end - 10) == 0) {
		memset(&x.err, 0, sizeof(x.err));
		CHECK_INT(cg_journal_fold_from(&x.h, "pass", &pos, visit, &v, &x.err), -1);
		CHECK_INT(x.err.status, CG_EXIT_DAMAGED);
	}
	cg_journal_release(&j2);
	fx_close(&x);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	RUN(commit_three_records);
	RUN(chain_is_sha256_of_previous_and_line);
	RUN(second_writer_continues);
	RUN(reader_verifies);
	RUN(edited_byte_is_damage);
	RUN(each_edited_line_found);
	RUN(deleted_line_is_damage);
	RUN(torn_tail_set_aside);
	RUN(torn_tail_seen_by_fresh_writer);
	RUN(torn_only_line);
	RUN(torn_tail_after_long_line);
	RUN(damaged_last_line_refused);
	RUN(empty_record);
	RUN(queue_has_a_limit);
	RUN(daily_compress_and_backfill);
	RUN(days_without_journal);
	RUN(fold_in_order_and_stops);
	RUN(fold_stops_at_damage);
	RUN(fold_from_and_catch_up);
	return UNIT_DONE();
}
